-- new_engaged_customers(channels, on_channel, start_day, end_day): conversion's funnel's last step, the engaged
--   people of [start_day, end_day] (engaged_people: interacted in it, on the channel of their first act) who
--   were known in the CRM by end_day (known_on) and made their first sale ever in it. on_channel: one
--   taxonomy channel, or null for every channel. Grain: one row per person.
create or replace macro new_engaged_customers(channels, on_channel, start_day, end_day) as table
    select person_id
    from interaction_days(channels, start_day, end_day)
    where is_first_in_period
        and (on_channel is null or channel = on_channel)
        and known_on(in_people, first_seen, end_day)
        and customer_since >= start_day and customer_since < end_day + interval 1 day;

-- new_engaged_customers(channels, on_channel, start_day, end_day) (see raw/new_engaged_customers.sql).
-- On every channel, from agg_customer_acts: a period's new customers (first sale in it) with an act in it,
--   known by end_day: one row per new customer read, not every act of the period. On one channel, the
--   channel of the person's first act in the period decides, so they are read from interaction_days.
create or replace macro new_engaged_customers(channels, on_channel, start_day, end_day) as table
    select person_id
    from agg_customer_acts
    where on_channel is null
        and customer_since >= start_day and customer_since < end_day + interval 1 day
        and (act_before >= start_day or act_after <= end_day)
        and known_on(in_people, first_seen, end_day)
    union all
    select person_id
    from interaction_days(channels, start_day, end_day)
    where on_channel is not null
        and is_first_in_period
        and of_channel(channels, 'interactions', source_channel, on_channel)
        and known_on(in_people, first_seen, end_day)
        and customer_since >= start_day and customer_since < end_day + interval 1 day;

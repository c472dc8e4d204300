-- engaged_people(rules, start, end): the people who interacted in [start, end], each once.
-- Grain: one row per person. channel: that of their first interaction in the period, so that a person
--   engaged on several channels counts on one, and engaged people add up across channels.
create or replace macro engaged_people(rules, start_day, end_day) as table
    select person_id, arg_min(channel, (occurred_at, event_id)) as channel, min(occurred_at) as first_engaged_at
    from channel_interactions(rules)
    where occurred_at >= start_day and occurred_at < end_day + interval 1 day
    group by person_id;

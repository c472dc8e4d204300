-- engaged_people(channels, start_day, end_day): the people who interacted in [start_day, end_day], each once.
-- Grain: one row per person. channel: that of their first interaction in the period (source_channel: its name in
--   the export), so that a person engaged on several channels counts on one, and engaged people add up across
--   channels. The person's facts (in_people, first_seen, customer_since) ride along from interaction_days (raw or
--   aggregated).
create or replace macro engaged_people(channels, start_day, end_day) as table
    select person_id, source_channel, channel, day as first_engaged_on, in_people, first_seen, customer_since
    from interaction_days(channels, start_day, end_day)
    where is_first_in_period;

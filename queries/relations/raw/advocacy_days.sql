-- advocacy_days(channels, start_day, end_day): the rows of interaction_days with an act of advocacy
--   (advocacy_acts > 0), with what advocacy.sql reads of them. Grain: one row per (day, person_id, source_channel).
create or replace macro advocacy_days(channels, start_day, end_day) as table
    select day, person_id, source_channel, channel, ugc, is_first_advocacy_in_period, customer_since
    from interaction_days(channels, start_day, end_day)
    where advocacy_acts > 0;

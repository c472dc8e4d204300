-- advocacy_days(channels, start_day, end_day) from agg_advocacy_days (see raw/advocacy_days.sql), as
--   interaction_days reads agg_interaction_days: the person's first advocacy row of the period is the one with no
--   advocacy row since before start_day.
create or replace macro advocacy_days(channels, start_day, end_day) as table
    select
        day,
        person_id,
        source_channel,
        coalesce(mapped(channels, 'interactions', source_channel), 'unattributed') as channel,
        ugc,
        (prev_advocacy_day < start_day) is not false as is_first_advocacy_in_period,
        customer_since
    from agg_advocacy_days
    where day between start_day and end_day;

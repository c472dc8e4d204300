-- interaction_days(channels, start_day, end_day) from agg_interaction_days (see raw/interaction_days.sql).
-- The person's first act of the period is on the first-of-day row with no act since before start_day; their first
--   act of advocacy, on the advocacy row with no advocacy row since before start_day.
-- "(prev_day < start_day) is not false" (no earlier day, or one before the period), not coalesce(..., true): the
--   same answer, cheaper to DuckDB both as a filter (conversion's engaged people, a quarter's 2.5 M rows at 20 M
--   acts: 33 -> 28 ms of CPU) and as a projection (community.sql: 33 -> 30 ms); "or prev_day is null" costs the
--   filter more (43 ms).
create or replace macro interaction_days(channels, start_day, end_day) as table
    select
        day,
        person_id,
        source_channel,
        coalesce(mapped(channels, 'interactions', source_channel), 'unattributed') as channel,
        interactions,
        answers,
        ugc,
        advocacy_acts,
        is_first_of_day and (prev_day < start_day) is not false as is_first_in_period,
        advocacy_acts > 0 and (prev_advocacy_day < start_day) is not false as is_first_advocacy_in_period,
        in_people,
        first_seen,
        is_member,
        member_since,
        customer_since
    from agg_interaction_days
    where day between start_day and end_day;

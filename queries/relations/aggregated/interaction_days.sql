-- interaction_days(rules, start_day, end_day) from agg_interaction_days (see raw/interaction_days.sql).
-- The person's first act of the period is on the first-of-day row with no act since before start_day.
create or replace macro interaction_days(rules, start_day, end_day) as table
    with days as (
        select * from agg_interaction_days where day between start_day and end_day
    ),

    names as materialized (select * from mapped_channel_names(rules) where source_table = 'interactions')

    select
        d.day,
        d.person_id,
        d.source_channel,
        coalesce(n.mapped, 'unattributed') as channel,
        d.interactions,
        d.answers,
        d.ugc,
        d.advocacy_acts,
        d.is_first_of_day and coalesce(d.prev_day < start_day, true) as is_first_in_period,
        d.in_people,
        d.first_seen,
        d.is_member,
        d.member_since,
        d.customer_since
    from days as d
    left join names as n on d.source_channel is not distinct from n.name;

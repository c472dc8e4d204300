-- agg_interaction_days: community acts per day, person and the export's channel name.
-- Grain: one row per (day, person, source_channel) for people in _agg_scope.
-- is_first_of_day marks the row holding the person's first act of the day (by occurred_at, event_id, as
--   engaged_people orders them); on it, prev_day is the person's previous day with an act. So the people
--   active in [start, end] are the first-of-day rows with no act since before start: counted, not deduplicated.
-- prev_advocacy_day: the day of the person's previous row with an act of advocacy (in the same order; the same
--   day possibly), or null. So the people with an advocacy act in [start, end] are the rows with one and no such
--   row since before start: counted, not deduplicated (advocacy.sql's advocates).
-- The person's record (people) and first sale (agg_first_sales, refreshed first) ride along:
--   member_on, known_as_of and "customer by a day" read the row itself.
with days as (
    select
        occurred_at::date as day,
        person_id,
        channel as source_channel,
        count(*) as interactions,
        count(*) filter (where kind = 'answer') as answers,
        count(*) filter (where kind = 'ugc') as ugc,
        count(*) filter (where kind in ('referral', 'review', 'ugc', 'share')) as advocacy_acts,
        -- The day's first act by (occurred_at, event_id), as two columns: a min() of the pair as a struct
        -- costs twice the whole grouping and spills at 5 M rows.
        min(occurred_at) as first_at,
        arg_min(event_id, (occurred_at, event_id)) as first_event_id
    from interactions
    -- The people recomputed now (queries/aggregate_scope.sql).
    where in_scope(person_id, $everyone, $slice, $slices)
    group by all
),

-- The row before, in the person's acts in order: on another day (or none), this row is the day's first.
ordered as (
    select
        *,
        lag(day) over acts_in_order as previous_row_day,
        -- The same window as lag's (one sort): the latest advocacy row's day among the rows before this one.
        max(case when advocacy_acts > 0 then day end) over (
            acts_in_order rows between unbounded preceding and 1 preceding
        ) as previous_advocacy_day
    from days
    window acts_in_order as (partition by person_id order by day, first_at, first_event_id)
),

person_facts as (
    select
        coalesce(p.person_id, f.person_id) as person_id,
        p.person_id is not null as in_people,
        p.first_seen,
        p.is_member,
        p.member_since,
        f.first_ordered_at as customer_since
    -- The same people only (as in 1_first_sales.sql): a full join of everyone in each slice of a rebuild built
    -- hash tables of 4 M people and ran out of the 1 GB cap inside a load's transaction at 20 M acts.
    from (select * from people where in_scope(person_id, $everyone, $slice, $slices)) as p
    full join (select * from agg_first_sales where in_scope(person_id, $everyone, $slice, $slices)) as f
        on p.person_id = f.person_id
),

final as (
    select
        o.day,
        o.person_id,
        o.source_channel,
        o.interactions,
        o.answers,
        o.ugc,
        o.advocacy_acts,
        o.previous_row_day is distinct from o.day as is_first_of_day,
        case when o.previous_row_day is distinct from o.day then o.previous_row_day end as prev_day,
        coalesce(f.in_people, false) as in_people,
        f.first_seen,
        f.is_member,
        f.member_since,
        f.customer_since,
        o.previous_advocacy_day as prev_advocacy_day
    from ordered as o
    left join person_facts as f using (person_id)
)

select * from final order by day

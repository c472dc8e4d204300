-- agg_interaction_days: community acts per day, person and the export's channel name.
-- Grain: one row per (day, person, source_channel) for people in _agg_scope.
-- is_first_of_day marks the row holding the person's first act of the day (by occurred_at, event_id, as
--   engaged_people orders them); prev_day is the person's previous day with an act. So the people
--   active in [start, end] are the first-of-day rows with no act since before start: counted, not deduplicated.
-- The person's record (people) and first sale (agg_first_sales, refreshed first) ride along:
--   member_on, known_as_of and "customer by a day" read the row itself.
with acts as (
    select person_id, occurred_at, event_id, channel, kind
    from interactions
    where person_id in (select person_id from _agg_scope)
),

days as (
    select
        occurred_at::date as day,
        person_id,
        channel as source_channel,
        count(*) as interactions,
        count(*) filter (where kind = 'answer') as answers,
        count(*) filter (where kind = 'ugc') as ugc,
        count(*) filter (where kind in ('referral', 'review', 'ugc', 'share')) as advocacy_acts,
        min((occurred_at, event_id)) as first_act
    from acts
    group by all
),

ranked as (
    select
        *,
        row_number() over (partition by person_id, day order by first_act) = 1 as is_first_of_day
    from days
),

person_days as (
    select person_id, day, lag(day) over (partition by person_id order by day) as prev_day
    from ranked
    where is_first_of_day
),

final as (
    select
        r.day,
        r.person_id,
        r.source_channel,
        r.interactions,
        r.answers,
        r.ugc,
        r.advocacy_acts,
        r.is_first_of_day,
        d.prev_day,
        p.person_id is not null as in_people,
        p.first_seen,
        p.is_member,
        p.member_since,
        f.first_ordered_at as customer_since
    from ranked as r
    join person_days as d using (person_id, day)
    left join people as p using (person_id)
    left join agg_first_sales as f using (person_id)
)

select * from final order by day

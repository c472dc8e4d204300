-- Community events in the data: the days with event acts (interactions of kind 'event': a meetup,
-- a ride, a tasting), with how many people took part. Shown as markers on the trend charts.
-- Grain: one row per day with at least one event act in [$start, $end].
with event_acts as (
    select person_id, occurred_at::date as day
    from interactions
    where kind = 'event' and occurred_at >= $start and occurred_at < $end + interval 1 day
),

final as (
    select day, count(distinct person_id) as people
    from event_acts
    group by day
)

select * from final
order by day

-- Advocacy: willingness to recommend (NPS answers).
-- Grain: one row for the period [$start, $end].
-- Yields the inputs of nps: promoters score 9-10, passives 7-8, detractors 0-6.
with answers_in_period as (
    select score, answered_at
    from surveys
    where answered_at >= $start and answered_at < $end + interval 1 day
),

final as (
    select
        count(*) as answers,
        count(*) filter (where score >= 9) as promoters,
        count(*) filter (where score between 7 and 8) as passives,
        count(*) filter (where score <= 6) as detractors,
        max(answered_at)::date as latest_date
    from answers_in_period
)

select * from final

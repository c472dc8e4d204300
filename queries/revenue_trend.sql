-- Monthly revenue from community members and from other customers.
-- Grain: one row per month in [$start, $end] and group (member / other), optionally one $channel and/or
--   $campaign: the sales attributed to it (sale_days: attributed_orders' rule, as every KPI attributes them).
-- Run once per view, it maps the channel names itself (channel_map of $channel_rules) where the KPI queries are
--   given the map the engine read once ($channels).
-- A sale counts as a member's when the buyer was a member on the order's day (sale_days' is_member_sale).
-- Read per day and buyer (sale_days): from the aggregates a view reads the days' rows, not every order.
-- Summed by day first: a month of each row (date_trunc) cost more than the sums.
-- Summed as decimals: a sum of doubles depends on the order of its rows, which a load of another file may change
--   (a refresh rewrites rows), so the same sales gave 20067.09 once and 20067.090000000004 the next time. The sums
--   of decimals are exact whatever the order (12 places: far below a cent, and an amount's 15 digits fit).
with days as (
    select day, is_member_sale, sum(revenue::decimal(38, 12)) as revenue, sum(orders) as orders
    from sale_days(channel_map($channel_rules), $person_fallback, $start, $end)
    where ($channel is null or channel = $channel)
        and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
    group by all
),

final as (
    select
        date_trunc('month', day)::date as month,
        is_member_sale,
        sum(revenue)::double as revenue,
        sum(orders)::bigint as orders
    from days
    group by all
)

select * from final order by month, is_member_sale

-- Monthly revenue from community members and from other customers.
-- Grain: one row per month in [$start, $end] and group (member / other), optionally one $channel and/or
--   $campaign: the sales attributed to it (attributed_orders, as every KPI attributes them).
-- Run once per view, it maps the channel names itself (channel_map of $channel_rules) where the KPI queries are
--   given the map the engine read once ($channels).
-- A sale counts as a member's when the buyer was a member on the order's day (member_on).
with sales as (
    select o.ordered_at, o.revenue, member_on(p.is_member, p.member_since, o.ordered_at::date) as is_member_sale
    from attributed_orders(channel_map($channel_rules), $person_fallback) as o
    left join people as p using (person_id)
    where o.ordered_at >= $start and o.ordered_at < $end + interval 1 day
        and ($channel is null or o.channel = $channel)
        and ($campaign is null or coalesce(o.campaign, 'unattributed') = $campaign)
),

final as (
    select
        date_trunc('month', ordered_at)::date as month,
        is_member_sale,
        sum(revenue) as revenue,
        count(*) as orders
    from sales
    group by all
)

select * from final order by month, is_member_sale

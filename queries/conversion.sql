-- Conversion and return on marketing spend.
-- Grain: one row for the period [$start, $end].
-- A new customer is a person whose first paid (not refunded, positive) order falls in the period.
-- Attributed revenue: orders in the period that carry a campaign (last click, as the shop recorded it).
-- Clicks: ad clicks from spend plus link clicks on posts published in the period.
-- Yields the inputs of conversion_rate, cac, roas, romi.
with paid_orders as (
    select *
    from orders
    where not coalesce(is_refund, false) and revenue > 0
),

first_orders as (
    select person_id, min(ordered_at) as first_ordered_at
    from paid_orders
    group by person_id
),

new_customers as (
    select count(*) as new_customers
    from first_orders
    where first_ordered_at >= $start and first_ordered_at < $end + interval 1 day
),

orders_in_period as (
    select
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(revenue) filter (where coalesce(campaign, '') <> ''), 0) as attributed_revenue,
        max(ordered_at)::date as latest_order_date
    from paid_orders
    where ordered_at >= $start and ordered_at < $end + interval 1 day
),

spend_in_period as (
    select
        coalesce(sum(amount), 0) as spend,
        coalesce(sum(clicks), 0) as ad_clicks,
        max(day) as latest_spend_date
    from spend
    where day between $start and $end
),

post_clicks as (
    select coalesce(sum(clicks), 0) as post_clicks
    from posts
    where published_at >= $start and published_at < $end + interval 1 day
),

final as (
    select
        n.new_customers,
        o.revenue,
        o.attributed_revenue,
        s.spend,
        s.ad_clicks,
        p.post_clicks,
        s.ad_clicks + p.post_clicks as clicks,
        greatest(o.latest_order_date, s.latest_spend_date) as latest_date
    from new_customers as n, orders_in_period as o, spend_in_period as s, post_clicks as p
)

select * from final

-- value.sql (queries/value.sql's inputs) read from the compact aggregates: same grain, same columns.
-- Customers by $end: a first sale by then (agg_first_sales); net revenue summed per day (agg_order_days).
with history as (
    select net_revenue, latest_ordered_at
    from agg_order_days
    where day <= $end
),

final as (
    select
        (select count(*) from agg_first_sales where first_ordered_at < $end + interval 1 day) as customers,
        coalesce(sum(net_revenue), 0) as net_revenue,
        max(latest_ordered_at)::date as latest_date
    from history
)

select * from final

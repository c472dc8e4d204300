-- Historic customer value: what customers have been worth up to $end.
-- Grain: one row, customers' whole history up to $end ($start is not used: history is cumulative).
-- Net revenue: refunded orders count zero, negative amounts (refunds) subtract.
-- Yields the inputs of clv_historic (margin is applied by the KPI, from config.yaml).
with history as (
    select
        person_id,
        sum(case when coalesce(is_refund, false) then 0 else revenue end) as net_revenue,
        count(*) filter (where not coalesce(is_refund, false) and revenue > 0) as paid_orders,
        max(ordered_at) as latest_ordered_at
    from orders
    where ordered_at < $end + interval 1 day
    group by person_id
),

final as (
    select
        count(*) filter (where paid_orders > 0) as customers,
        coalesce(sum(net_revenue), 0) as net_revenue,
        max(latest_ordered_at)::date as latest_date
    from history
)

select * from final

-- Historic customer value: what customers have been worth up to $end.
-- Grain: one row, customers' whole history up to $end ($start is not used: history is cumulative).
-- Customers: people with at least one sale (paid_orders()) by $end.
-- Net revenue: refunded orders count zero, negative amounts (refunds) subtract.
-- Yields the inputs of clv_historic (margin is applied by the KPI, from config.yaml).
with history as (
    select revenue, coalesce(is_refund, false) as is_refund, ordered_at
    from orders
    where ordered_at < $end + interval 1 day
),

final as (
    select
        (select count(distinct person_id) from paid_orders() where ordered_at < $end + interval 1 day) as customers,
        coalesce(sum(case when is_refund then 0 else revenue end), 0) as net_revenue,
        max(ordered_at)::date as latest_date
    from history
)

select * from final

-- Historic customer value: what customers have been worth up to $end.
-- Grain: one row, customers' whole history up to $end ($start is not used: history is cumulative).
-- Customers: people with at least one sale (customers_by) by $end.
-- Net revenue (order_days): refunded orders count zero, negative amounts (refunds) subtract.
-- Yields the inputs of clv_historic (margin is applied by the KPI, from config.yaml).
with history as (
    select net_revenue, latest_ordered_at
    from order_days()
    where day <= $end
),

final as (
    select
        (select count(*) from customers_by($end)) as customers,
        coalesce(sum(net_revenue), 0) as net_revenue,
        max(latest_ordered_at)::date as latest_date
    from history
)

select * from final

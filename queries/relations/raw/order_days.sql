-- order_days(): every order's revenue per day, refunds counting zero (net revenue).
-- Grain: one row per day with an order (paid, free or refunded). latest_ordered_at: that day's last order.
create or replace macro order_days() as table
    select
        ordered_at::date as day,
        sum(case when coalesce(is_refund, false) then 0 else revenue end) as net_revenue,
        max(ordered_at) as latest_ordered_at
    from orders
    group by all;

-- paid_orders(): the orders that are sales. Grain: one row per order.
-- A sale is an order not flagged is_refund with a positive revenue; refunds and free orders are not.
create or replace macro paid_orders() as table
    select order_id, person_id, ordered_at, revenue, channel, nullif(campaign, '') as campaign
    from orders
    where not coalesce(is_refund, false) and revenue > 0;

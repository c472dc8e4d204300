-- order_days() is agg_order_days (see raw/order_days.sql).
create or replace macro order_days() as table
    select day, net_revenue, latest_ordered_at from agg_order_days;

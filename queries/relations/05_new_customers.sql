-- new_customers(rules, person_fallback): every customer with their first sale.
-- Grain: one row per person with at least one paid order.
-- A person is a new customer of a period when first_ordered_at falls in it. They belong to the
--   channel and campaign of that first order (attributed_orders); first_revenue is its revenue.
create or replace macro new_customers(rules, person_fallback) as table
    select
        person_id,
        min(ordered_at) as first_ordered_at,
        arg_min(channel, (ordered_at, order_id)) as channel,
        arg_min(campaign, (ordered_at, order_id)) as campaign,
        arg_min(revenue, (ordered_at, order_id)) as first_revenue
    from attributed_orders(rules, person_fallback)
    group by person_id;

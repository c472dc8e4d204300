-- agg_first_sales: each customer's first sale ever (paid_orders), the sale new_customers dates and attributes.
-- Grain: one row per person in _agg_scope with a sale. Ties on the same instant go to the smaller order_id,
--   as in new_customers. acquisition_channel is the buyer's in people (attribution's person fallback).
with firsts as (
    select
        person_id,
        min(ordered_at) as first_ordered_at,
        arg_min(order_id, (ordered_at, order_id)) as first_order_id,
        arg_min_null(channel, (ordered_at, order_id)) as source_channel,
        arg_min_null(campaign, (ordered_at, order_id)) as campaign,
        arg_min(revenue, (ordered_at, order_id)) as first_revenue
    from paid_orders()
    where person_id in (select person_id from _agg_scope)
    group by person_id
),

final as (
    select f.*, p.acquisition_channel
    from firsts as f
    left join people as p using (person_id)
)

select * from final order by first_ordered_at

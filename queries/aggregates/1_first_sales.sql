-- agg_first_sales: each customer's first sale ever (paid_orders), the sale new_customers dates and attributes.
-- Grain: one row per person in _agg_scope with a sale. Ties on the same instant go to the smaller order_id,
--   as in new_customers. acquisition_channel (attribution's person fallback) and referred_by are the buyer's in people.
with firsts as (
    select
        person_id,
        arg_min((ordered_at, order_id, channel, campaign, revenue), (ordered_at, order_id)) as first_sale
    from paid_orders()
    where $everyone or person_id in (select person_id from _agg_scope)
    group by person_id
),

final as (
    select
        f.person_id,
        f.first_sale[1] as first_ordered_at,
        f.first_sale[2] as first_order_id,
        f.first_sale[3] as source_channel,
        f.first_sale[4] as campaign,
        f.first_sale[5] as first_revenue,
        p.acquisition_channel,
        p.referred_by
    from firsts as f
    left join people as p using (person_id)
)

select * from final order by first_ordered_at

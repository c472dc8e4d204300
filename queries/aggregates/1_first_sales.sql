-- agg_first_sales: each customer's first sale ever (paid_orders), the sale new_customers dates and attributes.
-- Grain: one row per person in _agg_scope with a sale. Ties on the same instant go to the smaller order_id,
--   as in new_customers. acquisition_channel (attribution's person fallback) and referred_by are the buyer's in people.
with firsts as (
    select
        person_id,
        -- A named struct, read by name: an unnamed one read by position from a column fails to bind on DuckDB 1.5.
        arg_min(
            {'ordered_at': ordered_at, 'order_id': order_id, 'channel': channel, 'campaign': campaign, 'revenue': revenue},
            (ordered_at, order_id)
        ) as first_sale
    from paid_orders()
    -- The people recomputed now (queries/aggregate_scope.sql).
    where in_scope(person_id, $everyone, $slice, $slices)
    group by person_id
),

-- The same people's records only: a join with all of people built a hash table of every person in each slice,
-- which inside a load's transaction ran out of the 1 GB cap at 20 M acts (aggregates.SLICE_ROWS).
buyers as (
    select person_id, acquisition_channel, referred_by
    from people
    where in_scope(person_id, $everyone, $slice, $slices)
),

final as (
    select
        f.person_id,
        f.first_sale.ordered_at as first_ordered_at,
        f.first_sale.order_id as first_order_id,
        f.first_sale.channel as source_channel,
        f.first_sale.campaign as campaign,
        f.first_sale.revenue as first_revenue,
        p.acquisition_channel,
        p.referred_by
    from firsts as f
    left join buyers as p using (person_id)
)

select * from final order by first_ordered_at

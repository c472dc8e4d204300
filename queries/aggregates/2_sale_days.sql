-- agg_sale_days: sales (paid_orders) per day, buyer, order channel and campaign.
-- Grain: one row per (day, person, the order's own channel, campaign) for people in _agg_scope.
--   acquisition_channel is the buyer's in people, so attribution needs no other table; customer_since is
--   the buyer's first sale ever (agg_first_sales, refreshed first), so a new customer's sales need no join;
--   is_member_sale whether the buyer was a member on the day (member_on), so the revenue trend needs no join.
with sales as (
    select
        ordered_at::date as day,
        person_id,
        channel as source_channel,
        campaign,
        count(*) as orders,
        sum(revenue) as revenue
    from paid_orders()
    -- The people recomputed now (queries/aggregate_scope.sql).
    where in_scope(person_id, $everyone, $slice, $slices)
    group by all
),

-- The same people's records and first sales only (as in 1_first_sales.sql: no hash table of everyone per slice).
buyers as (
    select person_id, acquisition_channel, is_member, member_since
    from people
    where in_scope(person_id, $everyone, $slice, $slices)
),

firsts as (
    select person_id, first_ordered_at
    from agg_first_sales
    where in_scope(person_id, $everyone, $slice, $slices)
),

final as (
    select
        s.day,
        s.person_id,
        s.source_channel,
        s.campaign,
        p.acquisition_channel,
        s.orders,
        s.revenue,
        f.first_ordered_at as customer_since,
        member_on(p.is_member, p.member_since, s.day) as is_member_sale
    from sales as s
    left join buyers as p using (person_id)
    left join firsts as f using (person_id)
)

select * from final order by day

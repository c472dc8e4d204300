-- Monthly revenue from community members and from other customers.
-- Grain: one row per month in [$start, $end] and group (member / other).
-- A sale counts as a member's when the buyer had joined the community by the order date.
with paid_orders as (
    select o.ordered_at, o.revenue, p.is_member, p.member_since
    from orders as o
    left join people as p using (person_id)
    where not coalesce(o.is_refund, false)
        and o.ordered_at >= $start and o.ordered_at < $end + interval 1 day
),

final as (
    select
        date_trunc('month', ordered_at)::date as month,
        coalesce(is_member and coalesce(member_since, ordered_at::date) <= ordered_at::date, false)
            as is_member_sale,
        sum(revenue) as revenue,
        count(*) as orders
    from paid_orders
    group by all
)

select * from final order by month, is_member_sale

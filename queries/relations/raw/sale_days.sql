-- sale_days(channels, person_fallback, start_day, end_day): the sales of [start_day, end_day]
--   (attributed_orders), counted and summed per day, buyer, the order's own channel name and campaign.
-- Grain: one row per (day, person_id, source_channel, campaign); channel is attributed_orders' (one per
--   such row: the rule reads only the campaign, the order's channel name and the buyer).
-- customer_since: the buyer's first sale ever (customers_by: by end_day, the buyer of a sale in the
--   period has had it), so the period's new customers' sales are those with customer_since in the period.
-- is_member_sale: the buyer was a community member on the day (member_on over their record in people).
create or replace macro sale_days(channels, person_fallback, start_day, end_day) as table
    with days as (
        select
            ordered_at::date as day,
            person_id,
            source_channel,
            campaign,
            channel,
            count(*) as orders,
            sum(revenue) as revenue
        from attributed_orders(channels, person_fallback)
        where ordered_at >= start_day and ordered_at < end_day + interval 1 day
        group by all
    )

    select
        d.*,
        f.first_ordered_at as customer_since,
        member_on(p.is_member, p.member_since, d.day) as is_member_sale
    from days as d
    left join customers_by(end_day) as f using (person_id)
    left join people as p using (person_id);

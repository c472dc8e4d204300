-- sale_days(rules, person_fallback, start_day, end_day): the sales of [start_day, end_day]
--   (attributed_orders), counted and summed per day, buyer, the order's own channel name and campaign.
-- Grain: one row per (day, person_id, source_channel, campaign); channel is attributed_orders' (one per
--   such row: the rule reads only the campaign, the order's channel name and the buyer).
create or replace macro sale_days(rules, person_fallback, start_day, end_day) as table
    select
        ordered_at::date as day,
        person_id,
        source_channel,
        campaign,
        channel,
        count(*) as orders,
        sum(revenue) as revenue
    from attributed_orders(rules, person_fallback)
    where ordered_at >= start_day and ordered_at < end_day + interval 1 day
    group by all;

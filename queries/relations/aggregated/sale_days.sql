-- sale_days(rules, person_fallback, start_day, end_day) from agg_sale_days (see raw/sale_days.sql), with
--   attributed_orders' rule applied to each row as new_customers applies it.
create or replace macro sale_days(rules, person_fallback, start_day, end_day) as table
    with days as (
        select * from agg_sale_days where day between start_day and end_day
    ),

    names as materialized (select * from mapped_channel_names(rules))

    select
        d.day,
        d.person_id,
        d.source_channel,
        d.campaign,
        coalesce(c.channel, n.mapped, case when person_fallback then p.mapped end, 'unattributed') as channel,
        d.orders,
        d.revenue
    from days as d
    left join campaign_channels(rules) as c on d.campaign = c.campaign
    left join names as n on n.source_table = 'orders' and d.source_channel is not distinct from n.name
    left join names as p on p.source_table = 'people' and d.acquisition_channel = p.name;

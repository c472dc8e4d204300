-- A period's slice of the compact aggregates (legame/aggregates.py, queries/aggregates/), with the taxonomy
--   channel and the attribution the raw relations give the same rows. queries/fast/ reads these; the
--   raw relations above stay the definitions, and tests hold both paths equal.
-- Export names are mapped once each (agg_channel_names), as channel_posts and attributed_orders do.

-- first_sales_in(rules, person_fallback, start_day, end_day): new_customers read from agg_first_sales.
-- Grain: one row per person whose first sale ever falls in the period, with its attributed channel
--   and the buyer's referred_by (people).
create or replace macro first_sales_in(rules, person_fallback, start_day, end_day) as table
    with firsts as materialized (
        select *
        from agg_first_sales
        where first_ordered_at >= start_day and first_ordered_at < end_day + interval 1 day
    ),

    order_names as materialized (
        select name, channel_of(rules, 'orders', name) as mapped from agg_channel_names where source_table = 'orders'
    ),

    person_names as materialized (
        select name, channel_of(rules, 'people', name) as mapped
        from agg_channel_names
        where source_table = 'people' and name is not null
    )

    select
        f.person_id,
        f.first_ordered_at,
        coalesce(c.channel, n.mapped, case when person_fallback then p.mapped end, 'unattributed') as channel,
        f.campaign,
        f.first_revenue,
        f.referred_by
    from firsts as f
    left join campaign_channels(rules) as c on f.campaign = c.campaign
    left join order_names as n on f.source_channel is not distinct from n.name
    left join person_names as p on f.acquisition_channel = p.name;

-- sale_days_in(rules, person_fallback, start_day, end_day): attributed_orders of the period, summed per
--   day, buyer, channel and campaign (agg_sale_days). Grain: one row per (day, person, source channel, campaign).
create or replace macro sale_days_in(rules, person_fallback, start_day, end_day) as table
    with days as (
        select * from agg_sale_days where day between start_day and end_day
    ),

    order_names as materialized (
        select name, channel_of(rules, 'orders', name) as mapped from agg_channel_names where source_table = 'orders'
    ),

    person_names as materialized (
        select name, channel_of(rules, 'people', name) as mapped
        from agg_channel_names
        where source_table = 'people' and name is not null
    )

    select
        d.day,
        d.person_id,
        d.campaign,
        d.orders,
        d.revenue,
        coalesce(c.channel, n.mapped, case when person_fallback then p.mapped end, 'unattributed') as channel
    from days as d
    left join campaign_channels(rules) as c on d.campaign = c.campaign
    left join order_names as n on d.source_channel is not distinct from n.name
    left join person_names as p on d.acquisition_channel = p.name;

-- interaction_days_in(rules, start_day, end_day): channel_interactions of the period, summed per day,
--   person and channel (agg_interaction_days). Grain: one row per (day, person, source channel).
create or replace macro interaction_days_in(rules, start_day, end_day) as table
    with days as (
        select * from agg_interaction_days where day between start_day and end_day
    ),

    names as materialized (
        select name, channel_of(rules, 'interactions', name) as mapped
        from agg_channel_names
        where source_table = 'interactions'
    )

    select d.*, coalesce(n.mapped, 'unattributed') as channel
    from days as d
    left join names as n on d.source_channel is not distinct from n.name;

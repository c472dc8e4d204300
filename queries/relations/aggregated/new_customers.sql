-- new_customers(rules, person_fallback, start_day, end_day) from agg_first_sales (see raw/new_customers.sql).
-- The first sale's channel by attributed_orders' rule: its campaign's channel, else its own channel's
--   mapping, else (person_fallback) the buyer's acquisition channel's.
create or replace macro new_customers(rules, person_fallback, start_day, end_day) as table
    with firsts as materialized (
        select *
        from agg_first_sales
        where first_ordered_at >= start_day and first_ordered_at < end_day + interval 1 day
    ),

    names as materialized (select * from mapped_channel_names(rules))

    select
        f.person_id,
        f.first_ordered_at,
        coalesce(c.channel, n.mapped, case when person_fallback then p.mapped end, 'unattributed') as channel,
        f.campaign,
        f.first_revenue,
        f.referred_by
    from firsts as f
    left join campaign_channels(rules) as c on f.campaign = c.campaign
    left join names as n on n.source_table = 'orders' and f.source_channel is not distinct from n.name
    left join names as p on p.source_table = 'people' and f.acquisition_channel = p.name;

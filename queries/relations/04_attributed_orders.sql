-- attributed_orders(rules, person_fallback): every sale with the channel and campaign it belongs to.
-- Grain: one row per paid order (paid_orders()).
-- The stated rule (config.yaml `attribution`, shown as an assumption):
--   1. the order's own campaign, in the channel where that campaign's spend was (the most spent, if several);
--   2. else the order's own channel, when a rule for orders names it (web, online store name nothing);
--   3. else, when person_fallback, the buyer's acquisition channel in the CRM (people.acquisition_channel);
--   4. else unattributed.
-- attributed_channel applies the rule; campaign is the order's own, or null.
-- campaign_channels(rules): each campaign's channel for step 1. Grain: one row per campaign with spend.
create or replace macro campaign_channels(rules) as table
    select campaign, arg_max(channel, amount) as channel
    from (
        select campaign, channel, sum(amount) as amount
        from channel_spend(rules)
        where campaign is not null and channel <> 'unattributed'
        group by all
    )
    group by campaign;

-- attributed_channel(person_fallback, by_campaign, by_order, by_person): the rule's channel for a sale, given what
--   each step finds (null where it finds none): its campaign's channel (step 1), its own channel name's mapping
--   (step 2) and its buyer's acquisition channel's mapping (step 3, read only when person_fallback).
-- Grain: a scalar. Every sale's channel is this one (attributed_orders here, the aggregated relations' sale_channel).
create or replace macro attributed_channel(person_fallback, by_campaign, by_order, by_person) as
    coalesce(by_campaign, by_order, case when person_fallback then by_person end, 'unattributed');

create or replace macro attributed_orders(rules, person_fallback) as table
    with campaign_channels as materialized (select * from campaign_channels(rules)),

    order_names as materialized (
        select name, channel_of(rules, 'orders', name) as mapped
        from (select distinct channel as name from orders)
    ),

    person_names as materialized (
        select name, channel_of(rules, 'people', name) as mapped
        from (select distinct acquisition_channel as name from people where acquisition_channel is not null)
    ),

    person_channels as (
        select p.person_id, n.mapped
        from people as p
        join person_names as n on p.acquisition_channel = n.name
        where n.mapped is not null
    )

    select
        o.order_id,
        o.person_id,
        o.ordered_at,
        o.revenue,
        o.campaign,
        attributed_channel(person_fallback, c.channel, n.mapped, p.mapped) as channel,
        o.channel as source_channel
    from paid_orders() as o
    left join campaign_channels as c on o.campaign = c.campaign
    left join order_names as n on o.channel is not distinct from n.name
    left join person_channels as p on o.person_id = p.person_id;

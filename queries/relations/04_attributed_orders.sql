-- attributed_orders(channels, person_fallback): every sale with the channel and campaign it belongs to.
-- Grain: one row per paid order (paid_orders()).
-- The stated rule (config.yaml `attribution`, shown as an assumption):
--   1. the order's own campaign, in the channel where that campaign's spend was (the most spent, if several);
--   2. else the order's own channel, when a rule for orders names it (web, online store name nothing);
--   3. else, when person_fallback, the buyer's acquisition channel in the CRM (people.acquisition_channel);
--   4. else unattributed.
-- attributed_channel applies the rule; campaign is the order's own, or null. channels: channel_map's map, where
--   step 1 reads each campaign's channel (campaign_channels, under 'campaign') and steps 2 and 3 the names'.
-- campaign_channels(channels): each campaign's channel for step 1. Grain: one row per campaign with spend.
create or replace macro campaign_channels(channels) as table
    select campaign, arg_max(channel, amount) as channel
    from (
        select campaign, channel, sum(amount) as amount
        from channel_spend(channels)
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

create or replace macro attributed_orders(channels, person_fallback) as table
    select
        o.order_id,
        o.person_id,
        o.ordered_at,
        o.revenue,
        o.campaign,
        attributed_channel(
            person_fallback,
            mapped(channels, 'campaign', o.campaign),
            mapped(channels, 'orders', o.channel),
            mapped(channels, 'people', p.acquisition_channel)
        ) as channel,
        o.channel as source_channel
    from paid_orders() as o
    left join people as p using (person_id);

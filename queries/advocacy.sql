-- Advocacy: willingness to recommend, advocacy acts, referrals, UGC and earned reach.
-- Grain: one row for the period [$start, $end], optionally one $channel (surveys carry no channel:
--   nps is not split) and one $campaign (referral_rate only: acts and posts carry no campaign).
-- NPS groups come from nps_answers(); acts from advocacy_acts (referrals made carry no channel);
--   new customers from new_customers (their channel and campaign: attributed_orders' rule).
-- Advocates: customers (a sale by $end) with at least one advocacy act in the period.
-- UGC: posts flagged is_ugc plus community acts of kind 'ugc'.
-- Earned reach: reach of posts by customers and influencers, and of UGC posts (not paid for).
-- The ladder counts voices by credibility: employees < customers < advocates < influencers.
-- Yields the inputs of nps, advocates, referral_rate, ugc_volume, earned_reach, advocacy_ladder.
with answers_in_period as (
    select nps_group, answered_at
    from nps_answers()
    where answered_at >= $start and answered_at < $end + interval 1 day
),

acts_in_period as (
    select person_id, kind, source_channel
    from advocacy_acts()
    where occurred_at >= $start and occurred_at < $end + interval 1 day
),

-- Each export name mapped once: referrals made carry none, so they are unattributed.
act_channels as materialized (
    select name, coalesce(channel_of($channel_rules, 'interactions', name), 'unattributed') as channel
    from (select distinct source_channel as name from acts_in_period)
),

acts as (
    select a.person_id, a.kind
    from acts_in_period as a
    left join act_channels as c on a.source_channel is not distinct from c.name
    where $channel is null or c.channel = $channel
),

posts_in_period as (
    select author_type, is_ugc, reach
    from channel_posts($channel_rules)
    where published_at >= $start and published_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
),

customers_by_end as (
    select distinct person_id
    from paid_orders()
    where ordered_at < $end + interval 1 day
),

new_in_period as (
    select n.person_id, p.referred_by, r.referrer_id
    from new_customers($channel_rules, $person_fallback, $start, $end) as n
    left join people as p using (person_id)
    left join (select distinct referred_id as person_id, referrer_id from referrals) as r using (person_id)
    where ($channel is null or n.channel = $channel)
        and ($campaign is null or coalesce(n.campaign, 'unattributed') = $campaign)
),

final as (
    select
        (select count(*) from answers_in_period) as answers,
        (select count(*) filter (where nps_group = 'promoter') from answers_in_period) as promoters,
        (select count(*) filter (where nps_group = 'passive') from answers_in_period) as passives,
        (select count(*) filter (where nps_group = 'detractor') from answers_in_period) as detractors,
        (select count(distinct a.person_id) from acts as a semi join customers_by_end as c using (person_id))
            as advocates,
        (select count(distinct person_id) from new_in_period) as new_customers,
        (select count(distinct person_id) from new_in_period where coalesce(referrer_id, referred_by) is not null)
            as referred_new_customers,
        (select count(*) filter (where is_ugc) from posts_in_period)
            + (select count(*) filter (where kind = 'ugc') from acts) as ugc,
        (select coalesce(sum(reach) filter (where is_ugc or author_type in ('customer', 'influencer')), 0)
            from posts_in_period) as earned_reach,
        (select count(*) filter (where author_type = 'employee') from posts_in_period) as employee_posts,
        (select count(*) filter (where author_type = 'customer') from posts_in_period) as customer_posts,
        (select count(*) filter (where author_type = 'influencer') from posts_in_period) as influencer_posts,
        (select max(answered_at)::date from answers_in_period) as latest_date
)

select * from final

-- Advocacy: willingness to recommend, advocacy acts, referrals, UGC and earned reach.
-- Grain: one row for the period [$start, $end], optionally one $channel (surveys carry no channel:
--   nps is not split) and one $campaign (referral_rate only: acts and posts carry no campaign).
-- NPS groups come from nps_answers(); advocacy acts (advocacy_acts' kinds) counted per day and person on
--   their channel (interaction_days), and referrals made (which carry no channel: unattributed);
--   new customers from new_customers (their channel and campaign: attributed_orders' rule).
-- Advocates: customers (a sale by $end: customers_by) with at least one advocacy act in the period.
-- UGC: posts flagged is_ugc plus community acts of kind 'ugc'.
-- Earned reach: reach of posts by customers and influencers, and of UGC posts (not paid for).
-- The ladder counts voices by credibility: employees < customers < advocates < influencers.
-- Yields the inputs of nps, advocates, referral_rate, ugc_volume, earned_reach, advocacy_ladder.
with answers_in_period as (
    select nps_group, answered_at
    from nps_answers()
    where answered_at >= $start and answered_at < $end + interval 1 day
),

-- Only the rows with an act of advocacy (a ugc act is one: is_advocacy_kind), read once.
acts as materialized (
    select person_id, ugc, customer_since
    from interaction_days($channels, $start, $end)
    where ($channel is null or channel = $channel) and advocacy_acts > 0
),

-- A person once per act (union all): counted distinct, one hash aggregate instead of a union's and a count's.
acts_of_customers as (
    select person_id
    from acts
    where customer_since < $end + interval 1 day
    union all
    select referrer_id
    from referrals
    where referred_at >= $start and referred_at < $end + interval 1 day
        and ($channel is null or $channel = 'unattributed')
        and referrer_id in (select person_id from customers_by($end))
),

posts_in_period as (
    select author_type, is_ugc, reach
    from channel_posts($channels)
    where published_at >= $start and published_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
),

-- One row per new customer (new_customers' grain): referred when the CRM names a referrer or referrals do.
new_in_period as (
    select referred_by is not null or person_id in (select referred_id from referrals) as is_referred
    from new_customers($channels, $person_fallback, $start, $end)
    where ($channel is null or channel = $channel)
        and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
),

final as (
    select
        (select count(*) from answers_in_period) as answers,
        (select count(*) filter (where nps_group = 'promoter') from answers_in_period) as promoters,
        (select count(*) filter (where nps_group = 'passive') from answers_in_period) as passives,
        (select count(*) filter (where nps_group = 'detractor') from answers_in_period) as detractors,
        (select count(distinct person_id) from acts_of_customers) as advocates,
        (select count(*) from new_in_period) as new_customers,
        (select count(*) filter (where is_referred) from new_in_period) as referred_new_customers,
        (select count(*) filter (where is_ugc) from posts_in_period)
            + (select coalesce(sum(ugc), 0) from acts) as ugc,
        (select coalesce(sum(reach) filter (where is_ugc or author_type in ('customer', 'influencer')), 0)
            from posts_in_period) as earned_reach,
        (select count(*) filter (where author_type = 'employee') from posts_in_period) as employee_posts,
        (select count(*) filter (where author_type = 'customer') from posts_in_period) as customer_posts,
        (select count(*) filter (where author_type = 'influencer') from posts_in_period) as influencer_posts,
        (select max(answered_at)::date from answers_in_period) as latest_date
)

select * from final

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
-- Each source read by one aggregate: a scalar subquery per figure planned its source once per figure.
with answers_in_period as (
    select
        count(*) as answers,
        count(*) filter (where nps_group = 'promoter') as promoters,
        count(*) filter (where nps_group = 'passive') as passives,
        count(*) filter (where nps_group = 'detractor') as detractors,
        max(answered_at)::date as latest_date
    from nps_answers()
    where answered_at >= $start and answered_at < $end + interval 1 day
),

-- The customers who made a referral in the period (referrals carry no channel: unattributed).
referrers as (
    select person_id
    from customer_referrers($start, $end)
    where $channel is null or $channel = 'unattributed'
),

-- Only the rows with an act of advocacy (a ugc act is one: is_advocacy_kind: advocacy_days), read once.
-- Advocates: the customers with an act, plus the referrers without one. Without a channel filter each person's
--   first advocacy row of the period is one row (is_first_advocacy_in_period), so they are counted without a
--   distinct over their ids (the board's largest cost); on one channel, deduplicated.
acts_in_period as (
    select
        coalesce(sum(ugc), 0) as ugc,
        -- Each aggregate's filter names its case, so that the other one aggregates nothing.
        case
            when $channel is null then count(*) filter (where is_first_advocacy_in_period and is_customer)
            else count(distinct person_id) filter (where is_customer and $channel is not null)
        end
        + (select count(*) from referrers)
        - count(distinct person_id) filter (where is_customer and is_referrer) as advocates
    from (
        select
            person_id,
            ugc,
            is_first_advocacy_in_period,
            customer_since < $end + interval 1 day as is_customer,
            person_id in (select person_id from referrers) as is_referrer
        from advocacy_days($channels, $start, $end)
        where of_channel($channels, 'interactions', source_channel, $channel)
    )
),

posts_in_period as (
    select
        count(*) filter (where is_ugc) as ugc_posts,
        coalesce(sum(reach) filter (where is_ugc or author_type in ('customer', 'influencer')), 0) as earned_reach,
        count(*) filter (where author_type = 'employee') as employee_posts,
        count(*) filter (where author_type = 'customer') as customer_posts,
        count(*) filter (where author_type = 'influencer') as influencer_posts
    from channel_posts($channels)
    where published_at >= $start and published_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
),

-- One row per new customer (new_customers' grain): referred when the CRM names a referrer or referrals do
--   (referred_customers: the period's few, not every referral).
new_in_period as (
    select count(*) as new_customers, count(*) filter (where is_referred) as referred_new_customers
    from (
        select
            referred_by is not null
            or person_id in (select person_id from referred_customers($start, $end)) as is_referred
        from new_customers($channels, $person_fallback, $start, $end)
        where ($channel is null or channel = $channel)
            and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
    )
),

final as (
    select
        a.answers,
        a.promoters,
        a.passives,
        a.detractors,
        d.advocates,
        n.new_customers,
        n.referred_new_customers,
        p.ugc_posts + d.ugc as ugc,
        p.earned_reach,
        p.employee_posts,
        p.customer_posts,
        p.influencer_posts,
        a.latest_date
    from answers_in_period as a, posts_in_period as p, new_in_period as n, acts_in_period as d
)

select * from final

-- Advocacy: willingness to recommend, advocacy acts, referrals, UGC and earned reach.
-- Grain: one row for the period [$start, $end].
-- NPS: promoters score 9-10, passives 7-8, detractors 0-6.
-- Advocates: customers (a paid order by $end) with at least one advocacy act in the period:
--   a referral, a review, a UGC post or a share of brand content.
-- UGC: posts flagged is_ugc plus community acts of kind 'ugc'.
-- Earned reach: reach of posts by customers and influencers, and of UGC posts (not paid for).
-- The ladder counts voices by credibility: employees < customers < advocates < influencers.
-- Yields the inputs of nps, advocates, referral_rate, ugc_volume, earned_reach, advocacy_ladder.
with answers_in_period as (
    select score, answered_at
    from surveys
    where answered_at >= $start and answered_at < $end + interval 1 day
),

acts as (
    select person_id, kind
    from interactions
    where occurred_at >= $start and occurred_at < $end + interval 1 day
        and kind in ('referral', 'review', 'ugc', 'share')
        and ($channel is null or channel = $channel)
    union all
    select referrer_id, 'referral'
    from referrals
    where referred_at >= $start and referred_at < $end + interval 1 day
),

posts_in_period as (
    select author_type, is_ugc, reach
    from posts
    where published_at >= $start and published_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
),

paid_orders as (
    select person_id, ordered_at
    from orders
    where not coalesce(is_refund, false) and revenue > 0 and ordered_at < $end + interval 1 day
),

-- Customers who bought in the period and never before it: only the period's buyers are
-- checked against history, so nobody's whole history is aggregated.
buyers_in_period as (
    select distinct person_id from paid_orders where ordered_at >= $start
),

new_customers as (
    select b.person_id, p.referred_by, r.referrer_id
    from buyers_in_period as b
    anti join (select person_id from paid_orders where ordered_at < $start) as earlier using (person_id)
    left join people as p using (person_id)
    left join (select distinct referred_id as person_id, referrer_id from referrals) as r using (person_id)
),

final as (
    select
        (select count(*) from answers_in_period) as answers,
        (select count(*) filter (where score >= 9) from answers_in_period) as promoters,
        (select count(*) filter (where score between 7 and 8) from answers_in_period) as passives,
        (select count(*) filter (where score <= 6) from answers_in_period) as detractors,
        (select count(distinct a.person_id) from acts as a semi join paid_orders as o using (person_id))
            as advocates,
        (select count(*) from new_customers) as new_customers,
        (select count(*) from new_customers where coalesce(referrer_id, referred_by) is not null)
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

-- agg_referrals: each referral with its referrer's first sale ever, so that a period's referrers who are customers
--   by its end (advocacy.sql: customer_referrers) are read from the referrals alone, not looked up among every
--   customer (at 5 M acts and 100 K referrals, 28 of advocacy's ~57 ms of CPU per period went to that lookup).
-- Grain: one row per referral whose referrer (person_id) is in scope; referrer_since: the referrer's first sale
--   (agg_first_sales, refreshed first: file order), null for a referrer who never bought. Keyed by the referrer:
--   a load of orders or referrals, an erasure or a demo removal marks them (aggregates.SOURCES).
select
    r.referrer_id as person_id,
    r.referred_at,
    f.first_ordered_at as referrer_since
from referrals as r
left join (
    -- The slice's own customers only (a rebuild by slices: aggregates.SLICE_ROWS).
    select person_id, first_ordered_at
    from agg_first_sales
    where in_scope(person_id, $everyone, $slice, $slices)
) as f on f.person_id = r.referrer_id
-- The people recomputed now (queries/aggregate_scope.sql).
where in_scope(r.referrer_id, $everyone, $slice, $slices)
order by r.referred_at

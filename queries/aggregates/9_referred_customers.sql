-- agg_referred_customers: the customers some referral names as referred (referrals.referred_id), with their first
--   sale ever (agg_first_sales, refreshed first: file order), so that a period's referred new customers
--   (advocacy.sql's referral_rate: referred_customers) are the few whose first sale falls in it, read by that date,
--   not looked up among every referral (at 20 M acts and 400 K referrals, a hash table of them all built twice a board).
-- Grain: one row per referred person with a sale. Small, and keyed by the referred person, whom a referrals load
--   does not mark (aggregates.SOURCES marks the referrer): recomputed whole on every refresh (aggregates.WHOLE_TABLES).
select person_id, first_ordered_at
from agg_first_sales
where person_id in (select referred_id from referrals)
order by first_ordered_at

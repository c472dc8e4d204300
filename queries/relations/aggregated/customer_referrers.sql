-- customer_referrers(start_day, end_day) from agg_referrals (see raw/customer_referrers.sql): each referral carries
--   its referrer's first sale, so no customer is looked up.
create or replace macro customer_referrers(start_day, end_day) as table
    select distinct person_id
    from agg_referrals
    where referred_at >= start_day and referred_at < end_day + interval 1 day
        and referrer_since < end_day + interval 1 day;

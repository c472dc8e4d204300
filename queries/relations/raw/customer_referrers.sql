-- customer_referrers(start_day, end_day): the customers (a sale on or before end_day: customers_by) who made a
--   referral in [start_day, end_day]. Grain: one row per person.
create or replace macro customer_referrers(start_day, end_day) as table
    select distinct referrer_id as person_id
    from referrals
    where referred_at >= start_day and referred_at < end_day + interval 1 day
        and referrer_id in (select person_id from customers_by(end_day));

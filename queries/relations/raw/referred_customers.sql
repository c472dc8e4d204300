-- referred_customers(start_day, end_day): the people whose first sale ever (customers_by) falls in
--   [start_day, end_day] and whom some referral names as referred (referrals.referred_id, whenever it was made).
-- Grain: one row per person. advocacy.sql's referred new customers are the period's new customers among them
--   (or whose CRM record names a referrer).
create or replace macro referred_customers(start_day, end_day) as table
    select person_id
    from customers_by(end_day)
    where first_ordered_at >= start_day
        and person_id in (select referred_id from referrals);

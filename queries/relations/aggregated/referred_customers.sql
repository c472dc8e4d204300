-- referred_customers(start_day, end_day) from agg_referred_customers (see raw/referred_customers.sql): each referred
--   customer's first sale rides along, so only the period's are read.
create or replace macro referred_customers(start_day, end_day) as table
    select person_id
    from agg_referred_customers
    where first_ordered_at >= start_day and first_ordered_at < end_day + interval 1 day;

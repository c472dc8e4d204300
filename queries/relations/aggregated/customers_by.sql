-- customers_by(day) from agg_first_sales (see raw/customers_by.sql).
create or replace macro customers_by(day) as table
    select person_id, first_ordered_at
    from agg_first_sales
    where first_ordered_at < day + interval 1 day;

-- customers_by(day): the people with a sale (paid_orders) on or before `day`.
-- Grain: one row per customer; first_ordered_at is their first sale ever.
create or replace macro customers_by(day) as table
    select person_id, min(ordered_at) as first_ordered_at
    from paid_orders()
    where ordered_at < day + interval 1 day
    group by person_id;

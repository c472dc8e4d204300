-- clv_summary: one row per customer (person_id) with at least one purchase on
-- or before $calibration_end.
--
-- Yields the inputs of the BG/NBD and Gamma-Gamma models (legame/clv.py):
--   x                   repeat purchases: purchase days after the first
--   t_x                 time from the first to the last purchase day
--   "T"                 time from the first purchase day to $calibration_end
--   monetary_value      mean value of the repeat purchase days (null when x = 0)
--   first_purchase_date the first purchase day
--   historic_revenue    net revenue of all the customer's orders up to $calibration_end
-- t_x and "T" are in model time units of $unit_days days.
--
-- Parameters: $calibration_end (date, inclusive), $unit_days (double: 1 for a
-- day, 7 for a week, 30.4375 for a month).
--
-- Rules: rows flagged is_refund are left out. Orders on one day are one
-- purchase worth the day's net total, negative amounts (refunds) included. A day
-- is a purchase when it has an order of amount >= 0 and, if it also has refunds,
-- a net total > 0: a refund cancels the day it falls on, while a free order
-- (amount 0, no refund) is still a purchase, as in the CDNOW data of the papers.

with

orders_in_calibration as (
    select
        person_id,
        cast(ordered_at as date) as ordered_on,
        -- an order whose amount is unknown still happened: count it, worth 0
        coalesce(revenue, 0) as revenue
    from orders
    where
        not coalesce(is_refund, false)
        and cast(ordered_at as date) <= cast($calibration_end as date)
),

order_days as (
    select
        person_id,
        ordered_on,
        sum(revenue) as day_revenue,
        count(*) filter (where revenue >= 0) as n_sales,
        count(*) filter (where revenue < 0) as n_refunds
    from orders_in_calibration
    group by person_id, ordered_on
),

purchase_days as (
    select
        person_id,
        ordered_on,
        day_revenue,
        row_number() over (partition by person_id order by ordered_on) as purchase_number
    from order_days
    where n_sales > 0 and (day_revenue > 0 or n_refunds = 0)
),

customer_purchases as (
    select
        person_id,
        min(ordered_on) as first_purchase_date,
        max(ordered_on) as last_purchase_date,
        count(*) - 1 as x,
        avg(day_revenue) filter (where purchase_number > 1) as monetary_value
    from purchase_days
    group by person_id
),

customer_revenue as (
    select
        person_id,
        sum(revenue) as historic_revenue
    from orders_in_calibration
    group by person_id
),

final as (
    select
        customer_purchases.person_id,
        customer_purchases.first_purchase_date,
        customer_purchases.x,
        (customer_purchases.last_purchase_date - customer_purchases.first_purchase_date)
        / $unit_days as t_x,
        (cast($calibration_end as date) - customer_purchases.first_purchase_date) / $unit_days as "T",
        customer_purchases.monetary_value,
        customer_revenue.historic_revenue
    from customer_purchases
    inner join customer_revenue using (person_id)
)

select * from final
order by person_id

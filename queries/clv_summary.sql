-- clv_summary: one row per customer (person_id) with at least one purchase on
-- or before $calibration_end.
--
-- Yields the inputs of the BG/NBD and Gamma-Gamma models (legame/clv/summary.py):
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
        count(*) filter (where revenue >= 0) > 0
        and (sum(revenue) > 0 or count(*) filter (where revenue < 0) = 0) as is_purchase
    from orders_in_calibration
    group by person_id, ordered_on
),

customers as (
    select
        person_id,
        min(ordered_on) filter (where is_purchase) as first_purchase_date,
        max(ordered_on) filter (where is_purchase) as last_purchase_date,
        count(*) filter (where is_purchase) - 1 as x,
        sum(day_revenue) filter (where is_purchase) as purchase_revenue,
        arg_min(day_revenue, ordered_on) filter (where is_purchase) as first_day_revenue,
        -- refund-only days count here too: historic revenue is net
        sum(day_revenue) as historic_revenue
    from order_days
    group by person_id
    having count(*) filter (where is_purchase) > 0
),

final as (
    select
        person_id,
        first_purchase_date,
        x,
        (last_purchase_date - first_purchase_date) / $unit_days as t_x,
        (cast($calibration_end as date) - first_purchase_date) / $unit_days as "T",
        -- the mean of the repeat purchase days: every purchase day but the first
        (purchase_revenue - first_day_revenue) / nullif(x, 0) as monetary_value,
        historic_revenue
    from customers
)

select * from final
order by person_id

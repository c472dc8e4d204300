-- What the customers acquired in a period are expected to be worth: predicted CLV against spend.
-- Grain: one row for the period [$start, $end], optionally one $channel and/or one $campaign (null = all).
-- A new customer is a person whose first paid (not refunded, positive) order falls in the period, as in
--   conversion.sql; with a filter, the first order's channel/campaign must match it.
-- Referred: named as referred_id in referrals, or with people.referred_by set. Referred value covers every
--   channel and campaign, as the referred_value KPI declares (it is not split by either).
-- Predicted CLV per person is read from clv_predictions (person_id, clv_predicted), which
--   legame/kpis/clv_inputs.py registers on the connection; a customer without a prediction counts 0.
-- Yields the inputs of referred_value, clv_roi, clv_cac.
with paid_orders as (
    select *
    from orders
    where not coalesce(is_refund, false) and revenue > 0
),

-- The first order of each customer who bought in the period and never before it (as in conversion.sql).
first_orders as (
    select person_id, arg_min(channel, ordered_at) as channel, arg_min(campaign, ordered_at) as campaign,
        min(ordered_at) as first_ordered_at
    from paid_orders
    where ordered_at >= $start and ordered_at < $end + interval 1 day
        and person_id not in (select person_id from paid_orders where ordered_at < $start)
    group by person_id
),

referred as (
    select referred_id as person_id from referrals
    union
    select person_id from people where referred_by is not null
),

new_customers as (
    select
        f.person_id,
        f.first_ordered_at,
        coalesce(c.clv_predicted, 0) as clv_predicted,
        r.person_id is not null as is_referred,
        ($channel is null or f.channel = $channel) and ($campaign is null or f.campaign = $campaign) as matches
    from first_orders as f
    left join clv_predictions as c using (person_id)
    left join referred as r using (person_id)
),

spend_in_period as (
    select coalesce(sum(amount), 0) as spend, max(day) as latest_spend_date
    from spend
    where day between $start and $end
        and ($channel is null or channel = $channel)
        and ($campaign is null or campaign = $campaign)
),

final as (
    select
        (select count(*) from new_customers where matches) as acquired,
        (select coalesce(sum(clv_predicted), 0) from new_customers where matches) as acquired_clv,
        (select coalesce(sum(clv_predicted), 0) from new_customers where is_referred)
            as referred_clv,
        s.spend,
        greatest((select max(first_ordered_at)::date from new_customers where matches), s.latest_spend_date)
            as latest_date
    from spend_in_period as s
)

select * from final

-- What the customers acquired in a period are expected to be worth: predicted CLV against spend.
-- Grain: one row for the period [$start, $end], optionally one $channel and/or one $campaign (null = all).
-- New customers and their channel and campaign come from the shared relation new_customers (the
--   attribution rule of attributed_orders). Referred: named as referred_id in referrals, or with
--   people.referred_by set; referred value covers every channel and campaign (referred_value is not split).
-- Predicted CLV per person is read from clv_predictions (person_id, clv_predicted), which
--   legame/kpis/clv_inputs.py registers on the cursor; a customer without a prediction counts 0.
-- Yields the inputs of referred_value, clv_roi, clv_cac.
with referred as (
    select referred_id as person_id from referrals
    union
    select person_id from people where referred_by is not null
),

new_in_period as (
    select
        n.person_id,
        n.first_ordered_at,
        coalesce(c.clv_predicted, 0) as clv_predicted,
        r.person_id is not null as is_referred,
        ($channel is null or n.channel = $channel)
            and ($campaign is null or coalesce(n.campaign, 'unattributed') = $campaign) as matches
    from new_customers($channels, $person_fallback, $start, $end) as n
    left join clv_predictions as c using (person_id)
    left join referred as r using (person_id)
),

spend_in_period as (
    select coalesce(sum(amount), 0) as spend, max(day) as latest_spend_date
    from channel_spend($channels)
    where day between $start and $end
        and ($channel is null or channel = $channel)
        and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
),

final as (
    select
        (select count(*) from new_in_period where matches) as new_customers,
        (select coalesce(sum(clv_predicted), 0) from new_in_period where matches) as acquired_clv,
        (select coalesce(sum(clv_predicted), 0) from new_in_period where is_referred) as referred_clv,
        s.spend,
        greatest((select max(first_ordered_at)::date from new_in_period where matches), s.latest_spend_date)
            as latest_date
    from spend_in_period as s
)

select * from final

-- clv_kpis.sql (queries/clv_kpis.sql's inputs) read from the compact aggregates: same grain, same columns.
-- Predicted CLV per person: clv_predictions, registered on the cursor by legame/kpis/clv_inputs.py.
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
    from first_sales_in($channel_rules, $person_fallback, $start, $end) as n
    left join clv_predictions as c using (person_id)
    left join referred as r using (person_id)
),

spend_in_period as (
    select coalesce(sum(amount), 0) as spend, max(day) as latest_spend_date
    from channel_spend($channel_rules)
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

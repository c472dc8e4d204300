-- conversion.sql (queries/conversion.sql's inputs) read from the compact aggregates: same grain, same columns.
-- Spend, posts and visits are small tables, read as the raw file reads them. Engaged people: each person's
--   first act in the period is the first-of-day row with no act since before $start; its channel is theirs.
with all_new as materialized (
    select person_id, channel, campaign
    from first_sales_in($channel_rules, $person_fallback, $start, $end)
),

new_in_period as (
    select person_id
    from all_new
    where ($channel is null or channel = $channel)
        and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
),

sales_in_period as (
    select
        coalesce(sum(orders), 0) as orders,
        coalesce(sum(revenue), 0) as attributed_revenue,
        coalesce(sum(revenue) filter (where person_id in (select person_id from new_in_period)), 0)
            as new_customer_revenue,
        max(day) as latest_order_date
    from sale_days_in($channel_rules, $person_fallback, $start, $end)
    where ($channel is null or channel = $channel)
        and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
),

spend_in_period as (
    select
        coalesce(sum(amount), 0) as spend,
        coalesce(sum(clicks), 0) as ad_clicks,
        max(day) as latest_spend_date
    from channel_spend($channel_rules)
    where day between $start and $end
        and ($channel is null or channel = $channel)
        and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
),

posts_in_period as (
    select coalesce(sum(clicks), 0) as post_clicks, coalesce(sum(reach), 0) as reach
    from channel_posts($channel_rules)
    where published_at >= $start and published_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
        and $campaign is null
),

visits_in_period as (
    select coalesce(sum(sessions), 0) as visits
    from channel_visits($channel_rules) as v
    where day between $start and $end
        and ($channel is null or channel = $channel)
        and case
            when $campaign is not null then coalesce(nullif(campaign, ''), 'unattributed') = $campaign
            else campaign = '' or not exists (select 1 from visits as w where w.day = v.day and w.campaign = '')
        end
),

engaged as materialized (
    select
        person_id,
        in_people and coalesce(first_seen::date, $end) <= $end as is_known,
        customer_since >= $start and customer_since < $end + interval 1 day as is_new
    from interaction_days_in($channel_rules, $start, $end)
    where is_first_of_day and coalesce(prev_day < $start, true)
        and ($channel is null or channel = $channel) and $campaign is null
),

funnel as (
    select
        count(*) as engaged_people,
        count(*) filter (where is_known) as known_people,
        count(*) filter (where is_known and is_new) as engaged_new_customers,
        (
            select coalesce(sum(revenue), 0)
            from agg_sale_days
            where day between $start and $end
                and person_id in (select person_id from engaged where is_known and is_new)
        ) as engaged_new_customer_revenue
    from engaged
),

final as (
    select
        (select count(*) from new_in_period) as new_customers,
        o.orders,
        o.attributed_revenue,
        o.new_customer_revenue,
        s.spend,
        s.ad_clicks,
        p.post_clicks,
        s.ad_clicks + p.post_clicks as clicks,
        v.visits,
        case when $conversion_denominator = 'visits' then v.visits else s.ad_clicks + p.post_clicks end as arrivals,
        $conversion_denominator::varchar as arrivals_are,
        p.reach,
        f.engaged_people,
        f.known_people,
        f.engaged_new_customers,
        f.engaged_new_customer_revenue,
        greatest(o.latest_order_date, s.latest_spend_date) as latest_date
    from sales_in_period as o, spend_in_period as s, posts_in_period as p, visits_in_period as v, funnel as f
)

select * from final

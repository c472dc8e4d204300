-- Conversion, the funnel, and return on marketing spend.
-- Grain: one row for the period [$start, $end], optionally one $channel and/or one $campaign (null = all).
-- A new customer is a person whose first paid (not refunded, positive) order falls in the period;
--   with a filter, the first order's channel/campaign must match it.
-- Attributed revenue: orders in the period that carry a campaign (last click, as the shop recorded it).
-- Clicks: ad clicks from spend plus link clicks on posts published in the period.
-- Visits: web sessions (GA4) in the period. A GA4 export is one cut of the same sessions, by
--   channel group (campaign empty) or by campaign; so that no visit counts twice, a day's visits
--   are its rows that match the channel filter and carry no campaign when there are such rows
--   (else all its rows that match), and with a campaign filter that campaign's rows.
-- Arrivals: clicks, or visits when $conversion_denominator (config.yaml) is 'visits'; what
--   conversion_rate divides new customers by, and the funnel's third step.
-- Funnel: reach -> engaged people (anyone who interacted) -> arrivals -> leads (contacts created)
--   -> new customers -> their revenue in the period.
-- Yields the inputs of conversion_rate, cac, roas, romi, payback_months, funnel.
with paid_orders as (
    select *
    from orders
    where not coalesce(is_refund, false) and revenue > 0
),

-- The first order of each customer who bought in the period and never before it: only the
-- period's buyers are checked against history, so nobody's whole history is aggregated.
first_orders as (
    select person_id, arg_min(channel, ordered_at) as channel, arg_min(campaign, ordered_at) as campaign
    from paid_orders
    where ordered_at >= $start and ordered_at < $end + interval 1 day
    group by person_id
),

new_customers as (
    select f.person_id
    from first_orders as f
    anti join (select person_id from paid_orders where ordered_at < $start) as earlier using (person_id)
    where ($channel is null or f.channel = $channel)
        and ($campaign is null or f.campaign = $campaign)
),

orders_in_period as (
    select
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(revenue) filter (where coalesce(campaign, '') <> ''), 0) as attributed_revenue,
        coalesce(sum(revenue) filter (where person_id in (select person_id from new_customers)), 0)
            as new_customer_revenue,
        max(ordered_at)::date as latest_order_date
    from paid_orders
    where ordered_at >= $start and ordered_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
        and ($campaign is null or campaign = $campaign)
),

spend_in_period as (
    select
        coalesce(sum(amount), 0) as spend,
        coalesce(sum(clicks), 0) as ad_clicks,
        max(day) as latest_spend_date
    from spend
    where day between $start and $end
        and ($channel is null or channel = $channel)
        and ($campaign is null or campaign = $campaign)
),

posts_in_period as (
    select coalesce(sum(clicks), 0) as post_clicks, coalesce(sum(reach), 0) as reach
    from posts
    where published_at >= $start and published_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
        and $campaign is null
),

visits_in_period as (
    select coalesce(sum(sessions), 0) as visits
    from visits as v
    where day between $start and $end
        and ($channel is null or channel = $channel)
        and case
            when $campaign is not null then campaign = $campaign
            else campaign = '' or not exists (
                select 1
                from visits as w
                where w.day = v.day and w.campaign = '' and ($channel is null or w.channel = $channel)
            )
        end
),

engaged as (
    select count(distinct person_id) as engaged_people
    from interactions
    where occurred_at >= $start and occurred_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
),

leads as (
    select count(*) as leads
    from people
    where first_seen >= $start and first_seen < $end + interval 1 day
        and ($channel is null or lower(acquisition_channel) = $channel)
),

final as (
    select
        (select count(*) from new_customers) as new_customers,
        o.revenue,
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
        e.engaged_people,
        l.leads,
        greatest(o.latest_order_date, s.latest_spend_date) as latest_date
    from orders_in_period as o, spend_in_period as s, posts_in_period as p, visits_in_period as v,
        engaged as e, leads as l
)

select * from final

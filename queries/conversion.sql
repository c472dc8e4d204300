-- Conversion, the funnel, and return on marketing spend.
-- Grain: one row for the period [$start, $end], optionally one $channel (taxonomy id, or 'unattributed')
--   and/or one $campaign (null = all; 'unattributed' = rows with no campaign).
-- Reads the shared relations (queries/relations/): new customers and sales belong to a channel and a
--   campaign by attributed_orders' stated rule; spend, posts, visits and interactions by their taxonomy channel.
-- Arrivals: ad clicks from spend plus link clicks on posts published in the period, or GA4 visits
--   when $conversion_denominator (config.yaml) is 'visits'. A GA4 export is one cut of the same sessions,
--   by channel group (campaign empty) or by campaign; so that no visit counts twice, a day's visits are
--   its rows that match the channel filter and carry no campaign when there are such rows (else all its
--   matching rows), and with a campaign filter that campaign's rows. A campaign cut's rows name no channel
--   group (GA4 writes the website), so by channel only the channel cut counts when it is loaded.
-- The funnel counts people, each step a subset of the one before: reach (each post's reach, summed) ->
--   engaged people (engaged_people: interacted in the period, each on the channel of their first
--   interaction) -> known (known_on: of them, in the CRM by the period's end) -> new customers (of them,
--   first sale ever in the period: new_engaged_customers) -> those new customers' sales in the period (every
--   channel and campaign).
--   Posts and community acts carry no campaign. Sales are read per day and buyer (sale_days).
-- Yields the inputs of conversion_rate, cac, roas, romi, payback_months, funnel, known_share.
with all_new as materialized (
    select person_id, channel, campaign
    from new_customers($channels, $person_fallback, $start, $end)
),

new_in_period as (
    select person_id
    from all_new
    where ($channel is null or channel = $channel)
        and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
),

engaged as (
    select known_on(in_people, first_seen, $end) as is_known
    from engaged_people($channels, $start, $end)
    where of_channel($channels, 'interactions', source_channel, $channel) and $campaign is null
),

engaged_new as materialized (
    select person_id
    from new_engaged_customers($channels, $channel, $start, $end)
    where $campaign is null
),

-- The period's sales in the view.
sales_in_period as (
    select
        coalesce(sum(orders), 0) as orders,
        coalesce(sum(revenue), 0) as attributed_revenue,
        max(day) as latest_order_date
    from sale_days($channels, $person_fallback, $start, $end)
    where ($channel is null or channel = $channel)
        and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
),

-- The period's new customers' sales (first sale ever in the period: customer_since, a filter the scan applies),
--   whose ids are looked up among the view's new and the engaged new customers. Read apart from the view's sales:
--   one read of the period's sales for both cost a copy of every sale (a materialized CTE) and its scan twice.
sales as (
    select
        person_id,
        revenue,
        ($channel is null or channel = $channel)
            and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign) as is_in_view
    from sale_days($channels, $person_fallback, $start, $end)
    where customer_since >= $start and customer_since < $end + interval 1 day
),

new_sales_in_period as (
    select
        -- Unfiltered, the view's new customers are all the period's (is_new): only a filtered view looks them up.
        coalesce(
            sum(revenue) filter (
                where is_in_view
                    and (
                        ($channel is null and $campaign is null)
                        or person_id in (
                            select person_id from new_in_period where $channel is not null or $campaign is not null
                        )
                    )
            ),
            0
        ) as new_customer_revenue,
        coalesce(
            sum(revenue) filter (where person_id in (select person_id from engaged_new)), 0
        ) as engaged_new_customer_revenue
    from sales
),

spend_in_period as (
    select
        coalesce(sum(amount), 0) as spend,
        coalesce(sum(clicks), 0) as ad_clicks,
        max(day) as latest_spend_date
    from channel_spend($channels)
    where day between $start and $end
        and ($channel is null or channel = $channel)
        and ($campaign is null or coalesce(campaign, 'unattributed') = $campaign)
),

posts_in_period as (
    select coalesce(sum(clicks), 0) as post_clicks, coalesce(sum(reach), 0) as reach
    from channel_posts($channels)
    where published_at >= $start and published_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
        and $campaign is null
),

visits_in_period as (
    select coalesce(sum(sessions), 0) as visits
    from channel_visits($channels) as v
    where day between $start and $end
        and ($channel is null or channel = $channel)
        and case
            when $campaign is not null then coalesce(nullif(campaign, ''), 'unattributed') = $campaign
            else campaign = '' or not exists (select 1 from visits as w where w.day = v.day and w.campaign = '')
        end
),

-- Counted from the rows' flags; the engaged new customers' ids are read for their sales (new_sales_in_period).
funnel as (
    select
        count(*) as engaged_people,
        count(*) filter (where is_known) as known_people,
        (select count(*) from engaged_new) as engaged_new_customers
    from engaged
),

final as (
    select
        (select count(*) from new_in_period) as new_customers,
        o.orders,
        o.attributed_revenue,
        n.new_customer_revenue,
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
        n.engaged_new_customer_revenue,
        greatest(o.latest_order_date, s.latest_spend_date) as latest_date
    from
        sales_in_period as o, new_sales_in_period as n, spend_in_period as s, posts_in_period as p,
        visits_in_period as v, funnel as f
)

select * from final

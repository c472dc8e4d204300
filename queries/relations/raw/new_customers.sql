-- new_customers(channels, person_fallback, start_day, end_day): the new customers of [start_day, end_day].
-- Grain: one row per person whose first sale ever falls in the period.
-- Only the period's buyers are checked against history (anti join on earlier sales), so nobody's whole
--   history is aggregated. They belong to the channel and campaign of that first sale (attributed_orders);
--   first_revenue is its revenue. arg_min_null: a first sale with no campaign has none (arg_min would skip
--   to a later sale's campaign). referred_by: the buyer's in people.
create or replace macro new_customers(channels, person_fallback, start_day, end_day) as table
    with firsts as (
        select
            person_id,
            min(ordered_at) as first_ordered_at,
            arg_min_null(channel, (ordered_at, order_id)) as channel,
            arg_min_null(campaign, (ordered_at, order_id)) as campaign,
            arg_min(revenue, (ordered_at, order_id)) as first_revenue
        from attributed_orders(channels, person_fallback)
        where ordered_at >= start_day and ordered_at < end_day + interval 1 day
        group by person_id
    )

    select f.person_id, f.first_ordered_at, f.channel, f.campaign, f.first_revenue, p.referred_by
    from firsts as f
    anti join (select person_id from paid_orders() where ordered_at < start_day) as earlier using (person_id)
    left join people as p using (person_id);

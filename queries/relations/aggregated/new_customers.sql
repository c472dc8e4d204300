-- new_customers(rules, person_fallback, start_day, end_day) from agg_first_sales (see raw/new_customers.sql).
-- The first sale's channel by attributed_orders' rule: its campaign's channel, else its own channel's
--   mapping, else (person_fallback) the buyer's acquisition channel's.
create or replace macro new_customers(rules, person_fallback, start_day, end_day) as table
    select
        person_id,
        first_ordered_at,
        coalesce(
            campaign_channels_map(rules)[campaign],
            channel_names_map(rules, 'orders')[source_channel],
            case when person_fallback then channel_names_map(rules, 'people')[acquisition_channel] end,
            'unattributed'
        ) as channel,
        campaign,
        first_revenue,
        referred_by
    from agg_first_sales
    where first_ordered_at >= start_day and first_ordered_at < end_day + interval 1 day;

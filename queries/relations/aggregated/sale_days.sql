-- sale_days(rules, person_fallback, start_day, end_day) from agg_sale_days (see raw/sale_days.sql), with
--   attributed_orders' rule applied to each row as new_customers applies it.
create or replace macro sale_days(rules, person_fallback, start_day, end_day) as table
    select
        day,
        person_id,
        source_channel,
        campaign,
        coalesce(
            campaign_channels_map(rules)[campaign],
            channel_names_map(rules, 'orders')[source_channel],
            case when person_fallback then channel_names_map(rules, 'people')[acquisition_channel] end,
            'unattributed'
        ) as channel,
        orders,
        revenue,
        customer_since
    from agg_sale_days
    where day between start_day and end_day;

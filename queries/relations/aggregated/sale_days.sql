-- sale_days(channels, person_fallback, start_day, end_day) from agg_sale_days (see raw/sale_days.sql), with
--   attributed_orders' rule applied to each row (sale_channel).
create or replace macro sale_days(channels, person_fallback, start_day, end_day) as table
    select
        day,
        person_id,
        source_channel,
        campaign,
        sale_channel(channels, person_fallback, campaign, source_channel, acquisition_channel) as channel,
        orders,
        revenue,
        customer_since,
        is_member_sale
    from agg_sale_days
    where day between start_day and end_day;

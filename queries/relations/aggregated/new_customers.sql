-- new_customers(channels, person_fallback, start_day, end_day) from agg_first_sales (see raw/new_customers.sql).
-- The first sale's channel by attributed_orders' rule (sale_channel).
create or replace macro new_customers(channels, person_fallback, start_day, end_day) as table
    select
        person_id,
        first_ordered_at,
        sale_channel(channels, person_fallback, campaign, source_channel, acquisition_channel) as channel,
        campaign,
        first_revenue,
        referred_by
    from agg_first_sales
    where first_ordered_at >= start_day and first_ordered_at < end_day + interval 1 day;

-- act_and_sale_channels(channels, person_fallback) from the aggregates (see raw/act_and_sale_channels.sql): the
--   distinct channel names the acts carry (agg_channel_names) mapped as channel_interactions maps them, and
--   the distinct (campaign, order channel, buyer's channel) of the sales, each put through attributed_orders'
--   rule (sale_channel). A few hundred rows, where the raw set joins every act and every sale.
create or replace macro act_and_sale_channels(channels, person_fallback) as table
    select distinct coalesce(mapped(channels, 'interactions', name), 'unattributed') as channel
    from agg_channel_names
    where source_table = 'interactions'
    union
    select distinct sale_channel(channels, person_fallback, campaign, source_channel, acquisition_channel)
    from (select distinct campaign, source_channel, acquisition_channel from agg_sale_days);

-- The aggregated relations: the same names and columns as queries/relations/raw/, read from the compact
--   aggregates (legame/aggregates.py, queries/aggregates/) so that a period costs thousands of rows, not
--   millions. The raw set stays the definition; tests/test_aggregates.py holds the two equal.
-- act_and_sale_channel_names() from agg_channel_names (see raw/channel_names.sql): the names the aggregates carry
--   for acts, sales and buyers, which are those of the raw rows.
create or replace macro act_and_sale_channel_names() as table
    select source_table, name from agg_channel_names;

-- sale_channel(channels, person_fallback, campaign, source_channel, acquisition_channel): the channel of a row of
--   the sale aggregates (a sale's campaign, its own channel name, its buyer's acquisition channel) by
--   attributed_channel, each step looked up in channel_map's map (mapped), as attributed_orders does.
create or replace macro sale_channel(channels, person_fallback, campaign, source_channel, acquisition_channel) as
    attributed_channel(
        person_fallback,
        mapped(channels, 'campaign', campaign),
        mapped(channels, 'orders', source_channel),
        mapped(channels, 'people', acquisition_channel)
    );

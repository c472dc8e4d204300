-- The aggregated relations: the same names and columns as queries/relations/raw/, read from the compact
--   aggregates (legame/aggregates.py, queries/aggregates/) so that a period costs thousands of rows, not
--   millions. The raw set stays the definition; tests/test_aggregates.py holds the two equal.
-- The channel of a row is looked up in a map built once per query, not joined: a join costs every row of
--   the period whether or not the reader asks for the channel, a projection nothing when it does not.
-- channel_names_map(rules, table_name): each channel name the aggregates carry for table_name
--   (agg_channel_names: 'interactions', 'orders', 'people'), mapped once to its taxonomy channel by channel_of,
--   as the raw relations map each distinct export name. A map from name to channel (null where no rule
--   names it); a null name is not in it (channel_of maps it to null too).
create or replace macro channel_names_map(rules, table_name) as (
    select map(list(name), list(channel_of(rules, source_table, name)))
    from agg_channel_names
    where source_table = table_name and name is not null
);

-- campaign_channels_map(rules): campaign_channels (attributed_orders' step 1) as a map from campaign to channel.
create or replace macro campaign_channels_map(rules) as (
    select map(list(campaign), list(channel)) from campaign_channels(rules)
);

-- sale_channel(rules, person_fallback, campaign, source_channel, acquisition_channel): the channel of a row of
--   the sale aggregates (a sale's campaign, its own channel name, its buyer's acquisition channel) by
--   attributed_channel, each step looked up in the maps above.
create or replace macro sale_channel(rules, person_fallback, campaign, source_channel, acquisition_channel) as
    attributed_channel(
        person_fallback,
        campaign_channels_map(rules)[campaign],
        channel_names_map(rules, 'orders')[source_channel],
        channel_names_map(rules, 'people')[acquisition_channel]
    );

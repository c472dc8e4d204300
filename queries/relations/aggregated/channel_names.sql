-- The aggregated relations: the same names and columns as queries/relations/raw/, read from the compact
--   aggregates (legame/aggregates.py, queries/aggregates/) so that a period costs thousands of rows, not
--   millions. The raw set stays the definition; tests/test_aggregates.py holds the two equal.
-- mapped_channel_names(rules): each channel name the aggregates carry (agg_channel_names), mapped once to
--   its taxonomy channel by channel_of, as the raw relations map each distinct export name.
-- Grain: one row per (source_table, name); mapped is null where no rule names it.
create or replace macro mapped_channel_names(rules) as table
    select source_table, name, channel_of(rules, source_table, name) as mapped
    from agg_channel_names;

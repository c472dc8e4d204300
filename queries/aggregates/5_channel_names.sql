-- agg_channel_names: the channel names the person-keyed aggregates carry, per source table as channel_of
--   knows it ('interactions', 'orders', 'people'), so a slice maps a handful of names instead of scanning a
--   column of millions. Grain: one row per (source_table, name); null names included.
select distinct 'interactions' as source_table, source_channel as name from agg_interaction_days
union
select distinct 'orders', source_channel from agg_sale_days
union
select distinct 'people', acquisition_channel from agg_sale_days

-- The first step of the channel map (name_channels): each channel name the data carries, keyed as mapped() reads
--   it, with its taxonomy channel under config.yaml's rules. Grain: one row per (table, name).
select key, channel from name_channels($channel_rules)

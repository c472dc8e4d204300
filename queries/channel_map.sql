-- The channel map of this warehouse under config.yaml's taxonomy (channel_map): every channel name the data
--   carries, and every campaign with spend, keyed as mapped() reads them, with its taxonomy channel.
-- Grain: one row. Read once per computation (legame/kpis/params.py) and bound as $channels to each KPI query.
select channel_map($channel_rules) as channels

-- The second step of the channel map (campaign_keys): each campaign with spend, keyed as mapped() reads it, with
--   the channel its spend was on, given the names' map ($channels, the first step). Grain: one row per campaign.
select key, channel from campaign_keys($channels)

-- act_and_sale_channels(channels, person_fallback): the taxonomy channels community acts (channel_interactions)
--   and sales (attributed_orders) fall in, for the filter pickers (queries/dimensions.sql).
-- Grain: one row per channel ('unattributed' included).
create or replace macro act_and_sale_channels(channels, person_fallback) as table
    select distinct channel from channel_interactions(channels)
    union
    select distinct channel from attributed_orders(channels, person_fallback);

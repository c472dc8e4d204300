-- The channels and campaigns present in the data, for the filter pickers.
-- Grain: one row per (kind, name): kind 'channel' (a taxonomy id, or 'unattributed') or 'campaign'; $kind
--   one of them alone (a split by channel reads no campaign: they scan every order), or null for both.
-- Channels are those the shared relations give rows, so the picker offers what a filter can find. Acts and
--   sales come from act_and_sale_channels, which the aggregated relations answer without reading every row
--   (at 20 M acts the raw joins ran out of DuckDB's 1 GB); posts, spend and visits are small.
with channels as (
    select distinct channel as name from channel_posts($channels)
    union select channel from act_and_sale_channels($channels, $person_fallback)
    union select distinct channel from channel_spend($channels)
    union select distinct channel from channel_visits($channels)
),

campaigns as (
    select distinct campaign as name from spend
    union select distinct campaign from orders
    union select distinct campaign from visits
),

final as (
    select 'channel' as kind, name from channels where coalesce(name, '') <> '' and coalesce($kind, 'channel') = 'channel'
    union all
    select 'campaign', name from campaigns where coalesce(name, '') <> '' and coalesce($kind, 'campaign') = 'campaign'
)

select * from final order by kind, name

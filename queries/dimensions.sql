-- The channels and campaigns present in the data, for the filter pickers.
-- Grain: one row per (kind, name): kind 'channel' or 'campaign'.
with channels as (
    select distinct channel as name from posts
    union select distinct channel from interactions
    union select distinct channel from spend
    union select distinct channel from orders
    union select distinct channel from visits
),

campaigns as (
    select distinct campaign as name from spend
    union select distinct campaign from orders
    union select distinct campaign from visits
),

final as (
    select 'channel' as kind, name from channels where coalesce(name, '') <> ''
    union all
    select 'campaign', name from campaigns where coalesce(name, '') <> ''
)

select * from final order by kind, name

-- Posts, community acts, ad spend and web visits with their channel in the taxonomy.
-- Grain: one row per row of the table. `channel` is the taxonomy id ('unattributed' when no rule
--   of config.yaml names the export's channel); `source_channel` is the export's own name, kept as loaded.
-- channels: the map of every name the data carries to its channel (channel_map), made once per computation:
--   a row's channel is a lookup in a constant, a projection that costs nothing to a reader that does not ask
--   for the channel (a join, or a subquery building the map, costs every query's plan and every row).

create or replace macro channel_posts(channels) as table
    select
        t.* replace (coalesce(mapped(channels, 'posts', t.channel), 'unattributed') as channel),
        t.channel as source_channel
    from posts as t;

create or replace macro channel_interactions(channels) as table
    select
        t.* replace (coalesce(mapped(channels, 'interactions', t.channel), 'unattributed') as channel),
        t.channel as source_channel
    from interactions as t;

create or replace macro channel_spend(channels) as table
    select
        t.* replace (
            coalesce(mapped(channels, 'spend', t.channel), 'unattributed') as channel,
            nullif(t.campaign, '') as campaign
        ),
        t.channel as source_channel
    from spend as t;

create or replace macro channel_visits(channels) as table
    select
        t.* replace (coalesce(mapped(channels, 'visits', t.channel), 'unattributed') as channel),
        t.channel as source_channel
    from visits as t;

-- Posts, community acts, ad spend and web visits with their channel in the taxonomy.
-- Grain: one row per row of the table. `channel` is the taxonomy id ('unattributed' when no rule
--   of config.yaml names the export's channel); `source_channel` is the export's own name, kept as loaded.
-- Each export name is mapped once (the distinct names), not once per row. Posts, spend and visits (small
--   tables) look a row's name up in the map of their distinct names (table_channels_map), built once per
--   query: a projection, which costs nothing to a reader that does not ask for the channel (a join, or a
--   materialized copy, costs every row; and DuckDB 1.5.5 pushes a reader's filter on channel below a join as
--   channel_of on every row).

-- table_channels_map(rules, table_name): each distinct channel name of the table table_name (posts, spend or
--   visits), mapped to its taxonomy channel by channel_of. A null name is not in it (channel_of maps it to null).
create or replace macro table_channels_map(rules, table_name) as (
    select map(list(name), list(channel_of(rules, table_name, name)))
    from (select distinct channel as name from query_table(table_name) where channel is not null)
);

create or replace macro channel_posts(rules) as table
    select
        t.* replace (coalesce(table_channels_map(rules, 'posts')[t.channel], 'unattributed') as channel),
        t.channel as source_channel
    from posts as t;

create or replace macro channel_interactions(rules) as table
    with names as materialized (
        select name, channel_of(rules, 'interactions', name) as mapped
        from (select distinct channel as name from interactions)
    )
    select t.* replace (coalesce(n.mapped, 'unattributed') as channel), t.channel as source_channel
    from interactions as t
    left join names as n on t.channel is not distinct from n.name;

create or replace macro channel_spend(rules) as table
    select
        t.* replace (
            coalesce(table_channels_map(rules, 'spend')[t.channel], 'unattributed') as channel,
            nullif(t.campaign, '') as campaign
        ),
        t.channel as source_channel
    from spend as t;

create or replace macro channel_visits(rules) as table
    select
        t.* replace (coalesce(table_channels_map(rules, 'visits')[t.channel], 'unattributed') as channel),
        t.channel as source_channel
    from visits as t;

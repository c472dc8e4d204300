-- Posts, community acts, ad spend and web visits with their channel in the taxonomy.
-- Grain: one row per row of the table. `channel` is the taxonomy id ('unattributed' when no rule
--   of config.yaml names the export's channel); `source_channel` is the export's own name, kept as loaded.
-- Each export name is mapped once (the distinct names), not once per row. Posts, spend and visits (small
--   tables) look a row's name up in the map of their distinct names, built once per query: a projection,
--   which costs nothing to a reader that does not ask for the channel (a join, or a materialized copy, costs
--   every row; and DuckDB 1.5.5 pushes a reader's filter on channel below a join as channel_of on every row).
create or replace macro channel_posts(rules) as table
    select
        t.* replace (
            coalesce(
                (
                    select map(list(name), list(channel_of(rules, 'posts', name)))
                    from (select distinct channel as name from posts where channel is not null)
                )[t.channel],
                'unattributed'
            ) as channel
        ),
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
            coalesce(
                (
                    select map(list(name), list(channel_of(rules, 'spend', name)))
                    from (select distinct channel as name from spend where channel is not null)
                )[t.channel],
                'unattributed'
            ) as channel,
            nullif(t.campaign, '') as campaign
        ),
        t.channel as source_channel
    from spend as t;

create or replace macro channel_visits(rules) as table
    select
        t.* replace (
            coalesce(
                (
                    select map(list(name), list(channel_of(rules, 'visits', name)))
                    from (select distinct channel as name from visits where channel is not null)
                )[t.channel],
                'unattributed'
            ) as channel
        ),
        t.channel as source_channel
    from visits as t;

-- Posts, community acts, ad spend and web visits with their channel in the taxonomy.
-- Grain: one row per row of the table. `channel` is the taxonomy id ('unattributed' when no rule
--   of config.yaml names the export's channel); `source_channel` is the export's own name, kept as loaded.
-- Each export name is mapped once (the distinct names), not once per row. Posts, spend and visits (small
--   tables) are also materialized once mapped: DuckDB 1.5.5 inlines `names` and, when a reader filters on
--   `channel`, pushes that filter below the join as channel_of on every row (20x slower on the demo).
create or replace macro channel_posts(rules) as table
    with names as materialized (select name, channel_of(rules, 'posts', name) as mapped from (select distinct channel as name from posts)),

    mapped as materialized (
        select t.* replace (coalesce(n.mapped, 'unattributed') as channel), t.channel as source_channel
        from posts as t
        left join names as n on t.channel is not distinct from n.name
    )

    select * from mapped;

create or replace macro channel_interactions(rules) as table
    with names as materialized (
        select name, channel_of(rules, 'interactions', name) as mapped
        from (select distinct channel as name from interactions)
    )
    select t.* replace (coalesce(n.mapped, 'unattributed') as channel), t.channel as source_channel
    from interactions as t
    left join names as n on t.channel is not distinct from n.name;

create or replace macro channel_spend(rules) as table
    with names as materialized (select name, channel_of(rules, 'spend', name) as mapped from (select distinct channel as name from spend)),

    mapped as materialized (
        select t.* replace (coalesce(n.mapped, 'unattributed') as channel, nullif(t.campaign, '') as campaign),
            t.channel as source_channel
        from spend as t
        left join names as n on t.channel is not distinct from n.name
    )

    select * from mapped;

create or replace macro channel_visits(rules) as table
    with names as materialized (select name, channel_of(rules, 'visits', name) as mapped from (select distinct channel as name from visits)),

    mapped as materialized (
        select t.* replace (coalesce(n.mapped, 'unattributed') as channel), t.channel as source_channel
        from visits as t
        left join names as n on t.channel is not distinct from n.name
    )

    select * from mapped;

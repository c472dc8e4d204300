-- channel_names(): every channel name the data carries, per table as channel_of knows it.
-- Grain: one row per (source_table, name), null names left out. Acts, orders and buyers' acquisition channels come
--   from act_and_sale_channel_names() (the raw rows, or the aggregates' list of their names); posts, spend and
--   visits, small tables, are read here.
create or replace macro channel_names() as table
    select source_table, name from act_and_sale_channel_names() where name is not null
    union all
    select 'posts', name from (select distinct channel as name from posts where channel is not null)
    union all
    select 'spend', name from (select distinct channel as name from spend where channel is not null)
    union all
    select 'visits', name from (select distinct channel as name from visits where channel is not null);

-- channel_keys(rules): each name of channel_names() mapped by channel_of, then each campaign with spend mapped
--   to its channel (campaign_channels, over the spend so mapped), under the key mapped() reads:
--   'table:name' and 'campaign:name'. Grain: one row per key whose channel a rule names.
create or replace macro channel_keys(rules) as table
    with names as materialized (
        select source_table || ':' || name as key, channel_of(rules, source_table, name) as channel
        from channel_names()
    ),

    by_name as (
        select map(coalesce(list(key), []::varchar[]), coalesce(list(channel), []::varchar[])) as channels
        from names
        where channel is not null
    )

    select key, channel from names where channel is not null
    union all
    select 'campaign:' || campaign, channel from campaign_channels((select channels from by_name));

-- channel_map(rules): channel_keys as one map, the `channels` every relation looks rows up in (mapped). The
--   engine reads it once per computation (queries/channel_map.sql) and binds it to each KPI query, so a query
--   plans a constant instead of the rules and a subquery per lookup.
create or replace macro channel_map(rules) as (
    select map(coalesce(list(key), []::varchar[]), coalesce(list(channel), []::varchar[])) from channel_keys(rules)
);

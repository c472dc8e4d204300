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

-- The map every relation looks a row's channel up in (mapped), in two steps: the names, then the campaigns,
--   whose channel is where their spend was (campaign_channels over the spend so mapped).
-- name_channels(rules): each name of channel_names() under the key mapped() reads ('table:name') with its
--   channel by channel_of (null where no rule names it). Grain: one row per name.
create or replace macro name_channels(rules) as table
    select source_table || ':' || name as key, channel_of(rules, source_table, name) as channel
    from channel_names();

-- campaign_keys(channels): each campaign with spend under the key mapped() reads ('campaign:name') with its
--   channel, given the names' map (channels). Grain: one row per campaign with spend on a channel.
create or replace macro campaign_keys(channels) as table
    select 'campaign:' || campaign as key, channel from campaign_channels(channels);

-- as_map(key, channel): a relation's (key, channel) rows as the map mapped() reads. Grain: an aggregate.
create or replace macro as_map(key, channel) as
    map(coalesce(list(key), []::varchar[]), coalesce(list(channel), []::varchar[]));

-- channel_map(rules): both steps in one expression, for a query that maps its names itself (revenue_trend.sql).
--   The engine runs the two steps as two queries instead (queries/name_channels.sql, campaign_keys.sql) and binds
--   the map to each KPI query: a map built in a subquery costs every plan that holds it (at 5 M acts, one query
--   building the map planned ~3x longer than the two).
create or replace macro channel_map(rules) as (
    with names as materialized (select key, channel from name_channels(rules))
    select map_concat(
        (select as_map(key, channel) from names),
        (select as_map(key, channel) from campaign_keys((select as_map(key, channel) from names)))
    )
);

-- channel_of(rules, source_table, name): the taxonomy channel of an export's own channel name.
-- Grain: a scalar. rules: a map from 'table:name' to a channel, built by legame/channels.py from
--   config.yaml's rules (channel ids and labels first, then each table's names, then its "*" for any name;
--   the first rule naming a key is kept).
-- The rule of source_table naming the trimmed, lower-cased name wins; else its "*" rule for a
--   non-empty name; else null (callers say unattributed, or fall back: see attributed_orders).
-- channel_map (on_either/channel_map.sql) applies it once per computation to each name the data carries; the
--   relations look rows up in that map (mapped), not in the rules.
create or replace macro channel_of(rules, source_table, name) as
    coalesce(
        rules[source_table || ':' || lower(trim(name))],
        case when coalesce(trim(name), '') <> '' then rules[source_table || ':*'] end
    );

-- mapped(channels, source_table, name): the taxonomy channel of a name of source_table ('interactions', 'orders',
--   'people', 'posts', 'spend', 'visits'; 'campaign' for a campaign's channel), looked up in channels, the map
--   channel_map made; null where no rule names it (a null name included).
-- Grain: a scalar.
create or replace macro mapped(channels, source_table, name) as channels[source_table || ':' || name];

-- names_on(channels, source_table, channel): the names of source_table that channels (channel_map's map) puts on
--   `channel`. Grain: a list; of constants only, so each query makes it once as it plans.
create or replace macro names_on(channels, source_table, channel) as
    list_transform(
        list_filter(map_entries(channels), e -> starts_with(e.key, source_table || ':') and e.value = channel),
        e -> e.key[length(source_table) + 2:]
    );

-- of_channel(channels, source_table, name, channel): is a row of source_table with this name on the view's
--   `channel` (null: every channel)? The same test as coalesce(mapped(...), 'unattributed') = channel: on a named
--   channel, whether the name is one of names_on's (one list for the query, not a key built and looked up in the
--   map per row: at 5 M acts, a quarter's 623 K acts filtered in 6 ms of CPU instead of 8-10, the scan alone 1.3);
--   on 'unattributed', the lookup itself (a name no rule names, or null, or one the map does not hold).
-- Grain: a scalar.
create or replace macro of_channel(channels, source_table, name, channel) as
    case
        when channel is null then true
        when channel = 'unattributed' then coalesce(mapped(channels, source_table, name), 'unattributed') = channel
        else coalesce(list_contains(names_on(channels, source_table, channel), name), false)
    end;

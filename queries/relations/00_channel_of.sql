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

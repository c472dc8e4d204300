-- channel_of(rules, source_table, name): the taxonomy channel of an export's own channel name.
-- Grain: a scalar. rules: a list of {source, name, channel} built by legame/channels.py from
--   config.yaml: channel ids and labels first, then each table's names, then its "*" (any name).
-- The first rule of source_table naming the trimmed, lower-cased name wins; else its "*" rule for a
--   non-empty name; else null (callers say unattributed, or fall back: see attributed_orders).
create or replace macro channel_of(rules, source_table, name) as
    coalesce(
        list_filter(rules, lambda r: r.source = source_table and r.name = lower(trim(name)))[1].channel,
        case
            when coalesce(trim(name), '') <> ''
                then list_filter(rules, lambda r: r.source = source_table and r.name = '*')[1].channel
        end
    );

-- load_log_head: what the archive's list of loads (legame/load_log.py) says of the warehouse it was written from.
-- Grain: one row.
-- warehouse: when the warehouse was created (its first migration), telling one warehouse's list from another's
--   when two share an archive folder (a file moved aside, a new one started at its place).
-- last_load_id: the latest load the list knows of; a list behind the warehouse's is written again.
select
    (select strftime(min(applied_at), '%Y%m%dT%H%M%S.%f') from schema_version) as warehouse,
    (select coalesce(max(load_id), 0) from loads) as last_load_id

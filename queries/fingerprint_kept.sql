-- The fingerprint of $table kept by its last load, when nothing logged has touched the table since
-- (a later erasure or demo removal logs table 'all'). A change by hand is not logged: the next
-- reload of the last file finds it (legame/ingest/pipeline.py).
-- Grain: one row, or none.
with last_change as (
    select max(load_id) as load_id
    from loads
    where table_name in ($table, 'all')
),

final as (
    select f.fingerprint
    from table_fingerprints as f
    inner join last_change as c on f.load_id = c.load_id
    where f.table_name = $table
)

select * from final

-- What an unchanged reload needs of the table's last load, when that load read the same bytes
-- ($sha) with the same profile and reading ($reading), rejected and repeated no row, and nothing
-- logged has touched $table since (a later load of it, an erasure or a demo removal: table 'all').
-- Grain: one row, or none when the file must be read again (legame/ingest/pipeline.py).
with last_change as (
    select max(load_id) as load_id
    from loads
    where table_name in ($table, 'all')
),

final as (
    select
        l.load_id,
        l.rows_read,
        l.rows_inserted + l.rows_replaced + l.rows_unchanged as rows_stored,
        l.min_date,
        l.max_date,
        f.fingerprint
    from loads as l
    inner join table_fingerprints as f on l.table_name = f.table_name and l.load_id = f.load_id
    inner join last_change as c on l.load_id = c.load_id
    where
        l.table_name = $table
        and l.sha256 = $sha
        and l.profile = $profile
        and f.reading = $reading
        and l.rows_rejected = 0
        and l.duplicates_in_file = 0
)

select * from final

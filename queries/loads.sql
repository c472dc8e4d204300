-- The load history, as the upload page lists it.
-- Grain: one row per uploaded file, newest first.
select
    load_id as "Load",
    file_name as "File",
    table_name as "Table",
    profile as "Profile",
    rows_read as "Read",
    rows_inserted as "New",
    rows_replaced as "Replaced",
    rows_unchanged as "Unchanged",
    rows_rejected as "Rejected",
    loaded_at as "Loaded at (UTC)",
    loaded_by as "By"
from loads
order by load_id desc

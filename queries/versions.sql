-- What the app's caches are keyed on (warehouse.versions), read together: the app reads them on every script
--   run, and under load each query waits its turn among the sessions' queries. Grain: one row.
-- data_version: the latest load id; every cache keyed on it is invalidated by a new upload.
-- notes, notes_digest: what the notes look like now, for the caches of the charts that show them: any addition,
--   deletion or change gives another value.
select
    (select coalesce(max(load_id), 0) from loads) as data_version,
    count(*) as notes,
    coalesce(bit_xor(hash(annotation_id, day, note, author, created_at)), 0) as notes_digest
from annotations

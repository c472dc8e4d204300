-- What the notes look like now, for the caches of the charts that show them: any addition,
-- deletion or change gives another value. Grain: one row.
select count(*) as notes, coalesce(bit_xor(hash(annotation_id, day, note, author, created_at)), 0) as digest
from annotations

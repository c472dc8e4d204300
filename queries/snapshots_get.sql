-- The frozen numbers of one link, read when a viewer opens it. Grain: one row (or none).
select link_id, taken_at, data_version, languages, body
from link_snapshots
where link_id = $link_id

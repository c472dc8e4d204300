-- The frozen numbers of one link (legame/snapshot.py store). Grain: one row per frozen link.
insert into link_snapshots (link_id, taken_at, data_version, languages, body)
values ($link_id, $taken_at, $data_version, $languages, $body)

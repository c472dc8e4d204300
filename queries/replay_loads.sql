-- replay_loads: the uploads the warehouse holds, in the order they were loaded, as a rebuild replays them
--   (legame/backup.py) and as the archive's list of loads keeps them (legame/load_log.py).
-- Grain: one row per load of a file (demo removals and erasures, which have no file, are left out).
select file_name, sha256, loaded_by, is_demo
from loads
where sha256 <> ''
order by load_id

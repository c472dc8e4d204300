-- The admin's dated notes on the trend charts (legame/annotations.py) between $start and $end.
-- Grain: one row per note, oldest first.
select annotation_id, day, note, author, created_at
from annotations
where day between $start and $end
order by day, annotation_id

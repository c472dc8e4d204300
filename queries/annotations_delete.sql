-- Remove one note from the trend charts. Grain: the note's row (or none).
delete from annotations
where annotation_id = $annotation_id
returning annotation_id

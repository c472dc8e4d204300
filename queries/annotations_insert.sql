-- One new note on the trend charts, added by the admin on the board. Grain: one row per note.
insert into annotations (annotation_id, day, note, author, created_at)
values ($annotation_id, $day, $note, $author, $created_at)

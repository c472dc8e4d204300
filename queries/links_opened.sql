-- Count one opening of a link: the one write a viewer's visit causes (see legame/share.py).
update links
set last_opened_at = $opened_at, open_count = open_count + 1
where link_id = $link_id

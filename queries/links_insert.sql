-- One new read-only link (legame/share.py create_link). Grain: one row per link.
insert into links (link_id, label, pinned_view, password_hash, signed_with, created_at, expires_at, open_count)
values ($link_id, $label, $pinned_view, $password_hash, $signed_with, $created_at, $expires_at, 0)

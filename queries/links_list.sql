-- Every read-only link, newest first, as the Share page and `share list` show them.
-- Grain: one row per link.
select link_id, label, pinned_view, password_hash, signed_with, created_at, expires_at, revoked_at, last_opened_at, open_count
from links
order by created_at desc, link_id

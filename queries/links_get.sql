-- One read-only link by id: what a token is checked against on every request.
-- Grain: one row (or none).
select link_id, label, pinned_view, password_hash, signed_with, created_at, expires_at, revoked_at, last_opened_at, open_count
from links
where link_id = $link_id

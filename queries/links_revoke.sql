-- Revoke a link; revoking it again keeps the first revocation time.
update links
set revoked_at = $revoked_at
where link_id = $link_id and revoked_at is null

-- member_on(is_member, member_since, day): was this person a community member on `day`?
-- Grain: a scalar. A member is flagged is_member, with member_since (if known) on or before the day.
create or replace macro member_on(is_member, member_since, day) as
    coalesce(is_member and coalesce(member_since, day) <= day, false);

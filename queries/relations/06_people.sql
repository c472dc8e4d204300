-- members_as_of(day): community members on `day` (member_on). Grain: one row per member.
create or replace macro members_as_of(day) as table
    select person_id, member_since
    from people
    where member_on(is_member, member_since, day);

-- known_on(in_people, first_seen, day): is a person with this record (in_people) known in the CRM by `day`?
-- Grain: a scalar; the test known_as_of applies, for a row that carries the person's record.
-- first_seen (a timestamp) is on or before `day` when it is before the next day began: compared as it is, not cast
--   to a date on every row (conversion's funnel tests it on each engaged person: at 5 M acts ~10% of the query).
create or replace macro known_on(in_people, first_seen, day) as
    coalesce(in_people, false) and (first_seen is null or first_seen < day + interval 1 day);

-- known_as_of(day): people known in the CRM by `day`: a record in people first seen on or before it
--   (or with no first-seen date). Grain: one row per person. "Fans are stickers until they are in the album."
create or replace macro known_as_of(day) as table
    select person_id, first_seen
    from people
    where known_on(true, first_seen, day);

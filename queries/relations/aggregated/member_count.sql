-- member_count(day) from agg_members, members by the day they joined (see raw/member_count.sql).
create or replace macro member_count(day) as table
    select coalesce(sum(members), 0)::bigint as members
    from agg_members
    where coalesce(member_since, day) <= day;

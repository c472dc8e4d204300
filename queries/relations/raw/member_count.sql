-- member_count(day): how many community members there are on `day` (members_as_of). Grain: one row.
create or replace macro member_count(day) as table
    select count(*) as members from members_as_of(day);

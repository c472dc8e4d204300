-- agg_members: community members by the day they joined (member_on: flagged is_member; no date = always).
-- Grain: one row per member_since (null included). Members on a day: the sum of rows joined by then.
select member_since, count(*) as members
from people
where is_member
group by member_since

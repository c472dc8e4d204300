-- agg_advocacy_days: the rows of agg_interaction_days (refreshed first: file order) with an act of advocacy, with the
--   columns advocacy.sql reads (advocacy_days), so that a period's advocates and community UGC are read from those
--   rows alone (one in six at 5 M acts), not filtered out of every act of the period.
-- Grain: one row per (day, person, source_channel) with advocacy_acts > 0, for people in _agg_scope.
select day, person_id, source_channel, ugc, prev_advocacy_day, customer_since
from agg_interaction_days
where advocacy_acts > 0
    -- The people recomputed now (queries/aggregate_scope.sql).
    and in_scope(person_id, $everyone, $slice, $slices)
order by day

-- agg_customer_acts: each customer's community acts around their first sale ever, so that a period's engaged
--   new customers (conversion's funnel: new_engaged_customers) are read from one row per new customer instead
--   of from every act of the period.
-- Grain: one row per person in _agg_scope with an act and a sale, from agg_interaction_days (refreshed first),
--   whose rows carry the person's first sale (customer_since) and record (in_people, first_seen: known_on).
--   act_before: the last day with an act on or before the first sale's day; act_after: the first day with an
--   act on or after it. A customer whose first sale falls in [start, end] acted in that period exactly when
--   act_before >= start or act_after <= end.
select
    person_id,
    any_value(customer_since) as customer_since,
    max(day) filter (where day <= customer_since::date) as act_before,
    min(day) filter (where day >= customer_since::date) as act_after,
    any_value(in_people) as in_people,
    any_value(first_seen) as first_seen
from agg_interaction_days
where customer_since is not null
    -- The people recomputed now (queries/aggregate_scope.sql).
    and in_scope(person_id, $everyone, $slice, $slices)
group by person_id
order by customer_since

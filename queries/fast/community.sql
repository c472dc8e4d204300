-- community.sql (queries/community.sql's inputs) read from the compact aggregates: same grain, same columns.
-- Active members: without a channel filter, each person's first act in the period is the first-of-day row
--   with no act since before $start, so they are counted without deduplicating; with one, deduplicated.
with days as (
    select
        *,
        member_on(is_member, member_since, $end) as is_member_then,
        is_first_of_day and coalesce(prev_day < $start, true) as is_first_in_period
    from interaction_days_in($channel_rules, $start, $end)
    where $channel is null or channel = $channel
),

final as (
    select
        (select coalesce(sum(members), 0) from agg_members where coalesce(member_since, $end) <= $end) as members,
        case
            when $channel is null then count(*) filter (where is_first_in_period and is_member_then)
            else (select count(distinct person_id) from days where is_member_then and $channel is not null)
        end as active_members,
        coalesce(sum(interactions) filter (where is_member_then), 0) as member_interactions,
        coalesce(sum(interactions), 0) as interactions,
        coalesce(sum(answers), 0) as answers,
        coalesce(sum(answers) filter (where is_member_then), 0) as member_answers,
        max(day) as latest_date
    from days
)

select * from final

-- Community participation: how many members take part, how deeply, who answers.
-- Grain: one row for the period [$start, $end], optionally interactions on one $channel (acts carry no campaign).
-- Members are those of member_count($end) (member_on); acts are counted per day and person on their
--   taxonomy channel (interaction_days), a member's if the person is a member on $end.
-- Active members: without a channel filter, each person's first act in the period is one row
--   (is_first_in_period), so they are counted without deduplicating; on one channel, deduplicated.
-- Yields the inputs of active_community_ratio, interactions_per_active_member, peer_answer_share.
with days as (
    select *, member_on(is_member, member_since, $end) as is_member_then
    from interaction_days($channels, $start, $end)
    where of_channel($channels, 'interactions', source_channel, $channel)
),

final as (
    select
        (select members from member_count($end)) as members,
        -- Each aggregate's filter names its case, so that the other one aggregates nothing; in one aggregate over
        --   the rows read once (a subquery over the rows read them twice, through a materialized copy of every column).
        case
            when $channel is null then count(*) filter (where is_first_in_period and is_member_then)
            else count(distinct person_id) filter (where is_member_then and $channel is not null)
        end as active_members,
        coalesce(sum(interactions) filter (where is_member_then), 0) as member_interactions,
        coalesce(sum(interactions), 0) as interactions,
        coalesce(sum(answers), 0) as answers,
        coalesce(sum(answers) filter (where is_member_then), 0) as member_answers,
        max(day) as latest_date
    from days
)

select * from final

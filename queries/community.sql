-- Community participation: how many members take part, how deeply, who answers.
-- Grain: one row for the period [$start, $end], optionally interactions on one $channel (acts carry no campaign).
-- Members are members_as_of($end); interactions are on their taxonomy channel (channel_interactions).
-- Yields the inputs of active_community_ratio, interactions_per_active_member, peer_answer_share.
with interactions_in_period as (
    select person_id, kind, occurred_at
    from channel_interactions($channel_rules)
    where occurred_at >= $start and occurred_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
),

member_flagged as (
    select
        i.*,
        m.person_id is not null as is_member
    from interactions_in_period as i
    left join members_as_of($end) as m using (person_id)
),

final as (
    select
        (select count(*) from members_as_of($end)) as members,
        count(distinct person_id) filter (where is_member) as active_members,
        count(*) filter (where is_member) as member_interactions,
        count(*) as interactions,
        count(*) filter (where kind = 'answer') as answers,
        count(*) filter (where kind = 'answer' and is_member) as member_answers,
        max(occurred_at)::date as latest_date
    from member_flagged
)

select * from final

-- interaction_days(channels, start_day, end_day): the community acts of [start_day, end_day]
--   (channel_interactions), counted per day, person and the export's channel name, with the person's facts.
-- Grain: one row per (day, person_id, source_channel); channel is its taxonomy channel.
-- is_first_in_period: the row holding the person's first act of the period (by occurred_at, event_id), so
--   people are counted once without deduplicating, on the channel of that act (engaged_people).
-- is_first_advocacy_in_period: the row holding the person's first act of the period among the rows with an act of
--   advocacy (advocacy_acts > 0), so advocates are counted once without deduplicating (advocacy.sql).
-- in_people, first_seen, is_member, member_since: the person's record in people (in_people false, the rest
--   null, without one); customer_since: their first sale ever (paid_orders), or null.
create or replace macro interaction_days(channels, start_day, end_day) as table
    with days as (
        select
            occurred_at::date as day,
            person_id,
            source_channel,
            channel,
            count(*) as interactions,
            count(*) filter (where kind = 'answer') as answers,
            count(*) filter (where kind = 'ugc') as ugc,
            count(*) filter (where is_advocacy_kind(kind)) as advocacy_acts,
            min((occurred_at, event_id)) as first_act
        from channel_interactions(channels)
        where occurred_at >= start_day and occurred_at < end_day + interval 1 day
        group by all
    ),

    firsts as (
        select person_id, min(ordered_at) as customer_since from paid_orders() group by person_id
    )

    select
        d.day,
        d.person_id,
        d.source_channel,
        d.channel,
        d.interactions,
        d.answers,
        d.ugc,
        d.advocacy_acts,
        d.first_act = min(d.first_act) over (partition by d.person_id) as is_first_in_period,
        d.advocacy_acts > 0
            and d.first_act = min(d.first_act) filter (where d.advocacy_acts > 0) over (partition by d.person_id)
            as is_first_advocacy_in_period,
        p.person_id is not null as in_people,
        p.first_seen,
        p.is_member,
        p.member_since,
        f.customer_since
    from days as d
    left join people as p using (person_id)
    left join firsts as f using (person_id);

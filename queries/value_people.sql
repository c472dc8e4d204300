-- Who each person is, as of $as_of: the groups the Customer value page compares predicted CLV between.
-- Grain: one row per person: everyone in people, plus anyone who ordered without a CRM record.
-- is_member: flagged is_member, with member_since (if known) on or before $as_of (as community.sql counts members).
-- segment: the CRM segment, null when not recorded.
-- nps_group: from the person's latest survey answer up to $as_of: promoter 9-10, passive 7-8, detractor 0-6;
--   none without an answer.
-- is_advocate: at least one advocacy act up to $as_of: an interaction of kind referral, review, ugc or share,
--   or a referral made (a referrer in referrals).
-- Parameter: $as_of (date, inclusive). Yields the groups of legame/value.py.
with persons as (
    select person_id from people
    union
    select person_id from orders
),

latest_answers as (
    select person_id, score
    from surveys
    where person_id is not null and answered_at < $as_of + interval 1 day
    qualify row_number() over (partition by person_id order by answered_at desc, response_id desc) = 1
),

advocates as (
    select person_id
    from interactions
    where kind in ('referral', 'review', 'ugc', 'share') and occurred_at < $as_of + interval 1 day
    union
    select referrer_id
    from referrals
    where referred_at < $as_of + interval 1 day
),

final as (
    select
        persons.person_id,
        coalesce(people.is_member and coalesce(people.member_since, $as_of) <= $as_of, false) as is_member,
        people.segment,
        case
            when answers.score between 9 and 10 then 'promoter'
            when answers.score between 7 and 8 then 'passive'
            when answers.score between 0 and 6 then 'detractor'
            else 'none'
        end as nps_group,
        advocates.person_id is not null as is_advocate
    from persons
    left join people using (person_id)
    left join latest_answers as answers using (person_id)
    left join advocates using (person_id)
)

select * from final
order by person_id

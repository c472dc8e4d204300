-- Who each person is, as of $as_of: the groups the Customer value page compares predicted CLV between.
-- Grain: one row per person: everyone in people, plus anyone who ordered without a CRM record.
-- is_member: a member on $as_of (the shared macro member_on, as members_as_of).
-- segment: the CRM segment, null when not recorded.
-- nps_group: the group (nps_answers()) of the person's latest survey answer up to $as_of; none without one.
-- is_advocate: at least one advocacy act (advocacy_acts()) up to $as_of.
-- Parameter: $as_of (date, inclusive). Yields the groups of legame/value.py.
with persons as (
    select person_id from people
    union
    select person_id from orders
),

latest_answers as (
    select person_id, nps_group
    from nps_answers()
    where person_id is not null and answered_at < $as_of + interval 1 day
    qualify row_number() over (partition by person_id order by answered_at desc, response_id desc) = 1
),

advocates as (
    select distinct person_id
    from advocacy_acts()
    where occurred_at < $as_of + interval 1 day
),

final as (
    select
        persons.person_id,
        member_on(people.is_member, people.member_since, $as_of) as is_member,
        people.segment,
        coalesce(answers.nps_group, 'none') as nps_group,
        advocates.person_id is not null as is_advocate
    from persons
    left join people using (person_id)
    left join latest_answers as answers using (person_id)
    left join advocates using (person_id)
)

select * from final
order by person_id

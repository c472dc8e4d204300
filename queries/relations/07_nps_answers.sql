-- nps_answers(): survey answers with their NPS group. Grain: one row per answer.
-- promoter 9-10, passive 7-8, detractor 0-6 (scores outside 0-10 never load).
create or replace macro nps_answers() as table
    select
        response_id,
        person_id,
        answered_at,
        score,
        case
            when score >= 9 then 'promoter'
            when score >= 7 then 'passive'
            else 'detractor'
        end as nps_group
    from surveys;

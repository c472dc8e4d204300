-- The people whose aggregate rows a refresh or a rebuild recomputes now (legame/aggregates.py): every person
--   table's SQL in queries/aggregates/ selects its rows, and the records it joins, by this one test.
-- _agg_scope: the people `mark` noted in this transaction (a refresh recomputes theirs).
create temp table if not exists _agg_scope (person_id varchar);

-- in_scope(who, everyone, part, parts): with parts > 0, the people whose hash falls in slice `part` of
--   `parts` (a rebuild by slices, aggregates.SLICE_ROWS: no list of them is built); else everyone (a rebuild
--   in one pass) or the people in _agg_scope (a refresh).
create or replace temp macro in_scope(who, everyone, part, parts) as
    case
        when parts > 0 then hash(who) % parts::ubigint = part::ubigint
        else everyone or who in (select person_id from _agg_scope)
    end;

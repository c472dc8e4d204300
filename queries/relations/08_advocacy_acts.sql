-- advocacy_acts(): every act of advocacy. Grain: one row per act.
-- An act is a community interaction of kind referral, review, ugc or share, or a referral made
--   (referrals: the referrer). source_channel is the export's channel name: null for referrals, whose
--   programme export carries none (mapped(channels, 'interactions', source_channel) maps it).
create or replace macro is_advocacy_kind(kind) as kind in ('referral', 'review', 'ugc', 'share');

create or replace macro advocacy_acts() as table
    select person_id, occurred_at, kind, channel as source_channel
    from interactions
    where is_advocacy_kind(kind)
    union all
    select referrer_id, referred_at, 'referral', null
    from referrals;

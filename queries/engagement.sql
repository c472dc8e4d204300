-- Engagement of published content.
-- Grain: one row for the period [$start, $end] (dates, both inclusive), optionally one $channel
--   (posts carry no campaign). Posts are on their taxonomy channel (channel_posts).
-- Yields the inputs of engagement_rate, conversation_rate, amplification_rate, applause_rate.
with posts_in_period as (
    select *
    from channel_posts($channels)
    where published_at >= $start and published_at < $end + interval 1 day
        and ($channel is null or channel = $channel)
),

final as (
    select
        count(*) as posts,
        coalesce(sum(reach), 0) as reach,
        coalesce(sum(impressions), 0) as impressions,
        coalesce(sum(reactions), 0) as reactions,
        coalesce(sum(comments), 0) as comments,
        coalesce(sum(shares), 0) as shares,
        coalesce(sum(saves), 0) as saves,
        coalesce(sum(clicks), 0) as clicks,
        coalesce(sum(coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0)
            + coalesce(clicks, 0)), 0) as acts,
        max(published_at)::date as latest_date
    from posts_in_period
)

select * from final

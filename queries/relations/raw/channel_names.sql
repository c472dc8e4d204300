-- act_and_sale_channel_names(): the channel names of community acts, of orders and of people's acquisition
--   channels, as channel_of knows their tables ('interactions', 'orders', 'people'). Grain: one row per
--   (source_table, name), a null name included (channel_names() leaves it out).
create or replace macro act_and_sale_channel_names() as table
    select 'interactions' as source_table, name from (select distinct channel as name from interactions)
    union all
    select 'orders', name from (select distinct channel as name from orders)
    union all
    select 'people', name from (select distinct acquisition_channel as name from people);

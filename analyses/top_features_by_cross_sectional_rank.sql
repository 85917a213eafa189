-- The 20 codes with the strongest 20-day momentum on the latest date, ranked across the universe
-- of that date, with a few other features beside it.
with latest as (
    select max(trade_date) as trade_date from {{ ref('ml_features') }}
),

ranked as (
    select
        features.code,
        features.trade_date,
        features.ret_20d,
        features.rvol_20,
        features.vol_ratio_20,
        percent_rank() over (order by features.ret_20d) as ret_20d_rank
    from {{ ref('ml_features') }} as features
    inner join latest on features.trade_date = latest.trade_date
    where features.ret_20d is not null
)

select * from ranked
order by ret_20d_rank desc
limit 20

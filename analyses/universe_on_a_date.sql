-- The listed universe on one trading date, with the market section and sector as of that date
-- (from that day's master snapshot: no survivorship).
-- dbt compile --select universe_on_a_date --vars '{"on_date": "2024-10-31"}'
select
    master.code,
    master.company_name,
    master.market_code,
    master.market_name,
    master.sector33_name,
    bars.close,
    bars.volume
from {{ ref('stg_jquants__equities_master') }} as master
left join {{ ref('int_prices_adjusted') }} as bars
    on bars.code = master.code and bars.trade_date = master.snapshot_date
where master.snapshot_date = cast('{{ var("on_date", "2024-10-31") }}' as date)
order by master.code

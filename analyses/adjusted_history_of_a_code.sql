-- A code's raw and split-adjusted history around its splits, with the vendor's adjusted close
-- beside ours (they agree to 0.1 yen).
-- dbt compile --select adjusted_history_of_a_code --vars '{"code": "40010"}'
select
    trade_date,
    close,
    adj_factor,
    cumulative_adj_factor,
    adj_close,
    vendor_adj_close,
    volume,
    adj_volume
from {{ ref('int_prices_adjusted') }}
where code = '{{ var("code", "40010") }}'
order by trade_date

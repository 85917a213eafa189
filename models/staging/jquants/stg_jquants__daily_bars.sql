with

base_jquants__daily_bars as (

    select * from {{ ref('base_jquants__daily_bars') }}

),

latest_version as (

    {{ daily_bars_latest_version('base_jquants__daily_bars') }}

)

select * from latest_version

{#-
    One dividend per code, record date and kind (interim / year-end) as currently known: a
    decided dividend wins over a forecast of the same dividend, a later notice over an earlier one.
-#}
with

stg_jquants__dividends as (

    select * from {{ ref('stg_jquants__dividends') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by code, record_date, interim_final_code
            order by
                dividend_per_share is not null desc,
                is_forecast asc,
                available_at desc,
                corporate_action_reference_number desc
        ) as preference,
        count(*) over (partition by code, record_date, interim_final_code) as action_count,
        min(first_available_at) over (partition by code, record_date, interim_final_code)
            as first_available_at_of_dividend

    from stg_jquants__dividends

),

final as (

    select
        code,
        record_date,
        interim_final_code,
        ex_date,
        dividend_per_share,
        dividend_per_share_status,
        is_forecast,
        payment_date,
        corporate_action_reference_number,
        reference_number,
        action_count,
        first_available_at_of_dividend as first_available_at,
        available_at,
        usable_from

    from ranked
    where preference = 1

)

select * from final

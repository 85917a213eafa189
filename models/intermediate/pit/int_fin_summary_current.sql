{#-
    The current financial summary of each code and reported period: the latest document (a
    correction supersedes the original), results and forecast revisions kept apart.
-#}
with

stg_jquants__fin_summary as (

    select * from {{ ref('stg_jquants__fin_summary') }}

),

classified as (

    select
        *,
        case
            when document_type ilike '%FinancialStatements%' then 'financial_statements'
            when document_type ilike '%ForecastRevision%' then 'forecast_revision'
            else 'other'
        end as document_kind

    from stg_jquants__fin_summary

),

ranked as (

    select
        *,
        row_number() over period_documents as newest_first,
        count(*) over period_documents as document_count

    from classified
    window period_documents as (
        partition by code, document_kind, period_type, period_end_date
        order by available_at desc, disclosure_number desc
        rows between unbounded preceding and unbounded following
    )

),

final as (

    -- every column of stg_jquants__fin_summary, with the document kind and count
    -- (the contract in the YAML fixes names, types and order)
    select * exclude (newest_first) from ranked
    where newest_first = 1

)

select * from final

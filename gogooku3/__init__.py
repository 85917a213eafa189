"""gogooku3 runtime glue: dbt invocation, ClickHouse publication, run summary.

The data logic lives in SQL (models/); the ingest lives in ingest/. This package stays thin.
"""

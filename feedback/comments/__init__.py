"""The participants' comments as every page reads them: filters from the URL (`filters`), one row per comment with
its quote's state (`rows`), themes counted in SQL (`themes`). Shared by the quotes workspace, the report, the API
and the trainer's page; the state changes (analysis, quote workflow) stay in the quotes area."""

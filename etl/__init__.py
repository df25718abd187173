"""Reference-data ETL (etl.reference) and, later, other build steps."""

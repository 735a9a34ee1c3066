"""Samspill's data layer: the records, the DuckDB store and the importers."""

"""Scenarios: the strict schema and loading, overriding and validating YAML."""

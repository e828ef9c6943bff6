"""Schemas: the single source for validation, output and the OpenAPI spec."""

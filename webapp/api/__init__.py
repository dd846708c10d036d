"""The JSON API under /api/v1 (bearer tokens) and its OpenAPI document."""

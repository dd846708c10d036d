"""Aftercare's domain layer: BPMN execution, persistence and use cases.

Nothing in here knows about HTTP or Flask; the web app and the CLI are thin skins over
``engine.services``.
"""

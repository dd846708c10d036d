"""Use cases: each takes the engine context, an actor and primitives, and owns its transaction."""

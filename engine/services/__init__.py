"""Use cases: each takes the engine context, an actor and primitives, and owns its transaction.

This package is the engine's public face for the web app and the command line: the use-case
modules, and ``EngineContext``, which every one of them takes first.
"""

from engine.store.context import EngineContext

__all__ = ["EngineContext"]

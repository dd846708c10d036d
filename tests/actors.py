"""Actors for test set-up: the system (as the command line acts) and a process owner without scripts."""

from __future__ import annotations

from engine.domain.actors import Actor

SYSTEM = Actor.system("tests")
OWNER = Actor(None, "owner", frozenset({"process_owner"}))

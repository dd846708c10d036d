"""Diagrams in UTF-16/32, GBK, Latin-1 or with a BOM are kept as the characters they hold (class 7).

Stored sources are UTF-8 text whose declaration says so; one owner's upload in another encoding
never breaks validating or deploying for anyone else.
"""

from __future__ import annotations

import pytest

from engine.services import cases
from engine.services import processes
from tests import diagrams
from tests.actors import OWNER

ENCODINGS = {"UTF-16": "utf-16", "UTF-32": "utf-32", "GBK": "gbk", "UTF-8": "utf-8-sig"}


def in_encoding(declared: str, codec: str, name: str) -> bytes:
    text = diagrams.linear().decode("utf-8").replace('encoding="UTF-8"', f'encoding="{declared}"')
    # Latin-1 has no Chinese: the test diagram's Chinese labels become "?" there.
    return text.replace('name="two_steps"', f'name="{name}"').encode(codec, "replace")


@pytest.mark.parametrize("declared", sorted(ENCODINGS))
def test_an_upload_in_another_encoding_is_stored_as_its_characters(ctx, make_user, declared: str) -> None:
    data = in_encoding(declared, ENCODINGS[declared], "维修服务")
    deployed = processes.deploy_files(ctx, OWNER, {"linear.bpmn": data})
    source = processes.version_sources(ctx, OWNER, "two_steps", deployed[0].version)["linear.bpmn"]
    assert 'name="维修服务"' in source and 'encoding="UTF-8"' in source and "\ufeff" not in source
    assert processes.original_upload(ctx, OWNER, "two_steps", deployed[0].version, "linear.bpmn") == data
    desk = make_user("desk", "service_desk")
    assert cases.start_case(ctx, desk, "two_steps", {}).status == "running"
    # Another owner's unrelated upload still validates and deploys next to it.
    other = diagrams.linear("other_steps")
    checked = processes.validate_upload(ctx, OWNER, {"other.bpmn": other})
    assert checked.problems == [] and checked.executable
    assert processes.deploy_files(ctx, OWNER, {"other.bpmn": other})[0].created


def test_latin_1_is_read_as_latin_1(ctx) -> None:
    data = in_encoding("ISO-8859-1", "latin-1", "Réparation")
    deployed = processes.deploy_files(ctx, OWNER, {"linear.bpmn": data})
    source = processes.version_sources(ctx, OWNER, "two_steps", deployed[0].version)["linear.bpmn"]
    assert 'name="Réparation"' in source


def test_bytes_that_are_not_the_declared_encoding_are_a_clear_problem(ctx) -> None:
    data = in_encoding("UTF-8", "utf-8", "维修").replace("维修".encode(), b"\xff\xfe\xfa")
    checked = processes.validate_upload(ctx, OWNER, {"linear.bpmn": data})
    assert not checked.executable and checked.problems and checked.plan == []
    assert any(p.file == "linear.bpmn" for p in checked.problems)

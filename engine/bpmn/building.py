"""Turn a set of BPMN/DMN files into runnable, content-addressed process builds."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.bpmn import validation
from engine.bpmn.parser import CAMUNDA
from engine.bpmn.parser import AftercareParser
from engine.bpmn.serializer import SpecBundle
from engine.bpmn.serializer import dump_specs
from engine.domain import forms
from engine.domain.errors import InvalidProcess
from engine.domain.errors import Problem


@dataclass(frozen=True)
class BuiltProcess:
    key: str
    name: str
    startable: bool
    sources: dict[str, str]
    sha256: str
    spec_json: str
    bundle: SpecBundle
    start_form: dict[str, Any]
    starter_roles: list[str]
    script_hashes: list[str]  # of every script in its sources (approved by the admin who deployed it)
    originals: dict[str, bytes]  # the uploaded bytes of sources that were not plain UTF-8 as stored


def check_files(
    files: Mapping[str, bytes],
    role_aliases: Mapping[str, str],
    allow_scripts: bool = False,
    max_bytes: int = 5 * 1024 * 1024,
    approved_scripts: AbstractSet[str] = frozenset(),
) -> tuple[list[Problem], list[BuiltProcess]]:
    """Return every problem found in ``files`` and, when there is none, the built processes."""
    problems: list[Problem] = []
    sources = [
        source
        for name, data in sorted(files.items())
        if (source := validation.read_file(name, data, max_bytes, problems)) is not None
    ]
    set_executable = any(
        validation.is_executable(process)
        for source in sources
        if source.kind == "bpmn"
        for process in source.root.iter(validation.b("process"))
    )
    for source in sources:
        problems.extend(validation.xsd_problems(source))
        if source.kind == "bpmn":
            problems.extend(
                validation.bpmn_problems(source, role_aliases, allow_scripts, approved_scripts, set_executable)
            )
        else:
            problems.extend(validation.dmn_problems(source))
    problems.extend(validation.reference_problems(sources))
    if any(p.severity == "error" for p in problems):
        return _unique(problems), []
    built, parse_problems = _build(sources)
    return _unique(problems + parse_problems), built


def build_files(files: Mapping[str, bytes], role_aliases: Mapping[str, str], **options: Any) -> list[BuiltProcess]:
    """Like :func:`check_files`, but raise InvalidProcess listing every problem."""
    problems, built = check_files(files, role_aliases, **options)
    if not built:
        raise InvalidProcess(problems)
    return built


def _build(sources: list[validation.SourceFile]) -> tuple[list[BuiltProcess], list[Problem]]:
    parser = AftercareParser()
    problems: list[Problem] = []
    lines = {source.name: source.lines for source in sources}
    for source in sources:
        validation.prepare_for_parser(source)
        try:
            if source.kind == "bpmn":
                parser.add_bpmn_xml(source.root, source.name)
            else:
                parser.add_dmn_xml(source.root, source.name)
        except ValidationException as err:
            problems.append(_from_spiff(err, lines, source.name))
    executable = [
        (process, source)
        for source in sources
        if source.kind == "bpmn"
        for process in source.root.iter(validation.b("process"))
        if validation.is_executable(process)
    ]
    if not executable and not problems:
        problems.append(Problem('no executable process: set isExecutable="true" on a process'))
    built = []
    for process, source in executable:
        try:
            built.append(_build_one(parser, process, source, sources))
        except ValidationException as err:
            problems.append(_from_spiff(err, lines, source.name))
        except Exception as err:  # noqa: BLE001 - SpiffWorkflow's own error paths can crash
            problems.append(
                Problem(f"the process could not be built: {err}", element=process.get("id"), file=source.name)
            )
    return ([] if problems else built), problems


def _build_one(
    parser: AftercareParser, process: Any, source: validation.SourceFile, sources: list[validation.SourceFile]
) -> BuiltProcess:
    key = process.get("id")
    spec = parser.get_spec(key)
    subprocess_specs = parser.get_subprocess_specs(key)
    needed = {source.name} | {
        parser.process_parsers[sub].filename for sub in subprocess_specs if sub in parser.process_parsers
    }
    texts = {s.name: s.text for s in sources if s.name in needed or s.kind == "dmn"}
    digest = hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest()
    return BuiltProcess(
        key=key,
        name=process.get("name") or key,
        startable=process.get(f"{CAMUNDA}isStartableInTasklist", "true") != "false",
        sources=texts,
        sha256=digest,
        spec_json=dump_specs((spec, subprocess_specs)),
        bundle=(spec, subprocess_specs),
        start_form=start_form(process),
        starter_roles=_split(process.get(f"{CAMUNDA}candidateStarterGroups")) or list(DEFAULT_STARTERS),
        originals={s.name: s.raw for s in sources if s.name in texts and s.raw and s.raw != s.text.encode("utf-8")},
        script_hashes=sorted(
            {
                validation.script_hash(text)
                for s in sources
                if s.name in texts and s.kind == "bpmn"
                for text in validation.script_texts(s.root)
            }
        ),
    )


DEFAULT_STARTERS = ("service_desk",)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def start_form(process: Any) -> dict[str, Any]:
    """The form of the process's none start event (``camunda:formData``), in the API's FORM shape."""
    for event in process.findall(validation.b("startEvent")):
        if len(event) and any(etree.QName(child).localname.endswith("EventDefinition") for child in event):
            continue
        fields = []
        for node in event.iter(f"{CAMUNDA}formField"):
            constraints = {c.get("name"): c.get("config") for c in node.iter(f"{CAMUNDA}constraint")}
            properties = {p.get("id"): p.get("value") for p in node.iter(f"{CAMUNDA}property")}
            options = [(v.get("id"), v.get("name")) for v in node.iter(f"{CAMUNDA}value")]
            fields.append(
                forms.form_field(
                    node.get("id"),
                    node.get("type") or "string",
                    node.get("label") or "",
                    node.get("defaultValue"),
                    constraints,
                    properties,
                    options,
                )
            )
        return {"fields": fields}
    return {"fields": []}


def _from_spiff(err: ValidationException, lines: Mapping[str, Mapping[str, int]], fallback: str) -> Problem:
    file_name = err.file_name or fallback
    element = err.id or None
    line = err.line_number if isinstance(err.line_number, int) else None
    if line is None and element:
        line = lines.get(file_name, {}).get(element)
    message = str(err).split("\n")[0]
    return Problem(message, element=element, line=line, file=file_name)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))

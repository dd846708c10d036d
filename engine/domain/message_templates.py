"""The wording of every message Aftercare sends, per language, as templates an administrator
may edit and preview (issue 15).

A template is text with ``{{ name }}`` placeholders, ``{% if name %}…{% endif %}`` for the parts
that depend on a value, and a few filters (``default``, ``upper``, ``lower``, ``trim``). Loops,
calls, attribute access and assignments are refused when the template is saved: a message is
rendered in the worker and in the step that causes it, so its cost must follow its length and
it may reach nothing but the values listed for it. Rendering goes through Jinja's sandbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import StrictUndefined
from jinja2 import TemplateSyntaxError
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from engine.domain.messages import Message

LANGUAGES = ("zh_Hans_CN", "en")
STAFF = "staff"
CUSTOMER = "customer"
MAX_SUBJECT = 200
MAX_BODY = 5000
FILTERS = frozenset({"default", "upper", "lower", "trim"})
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.Compare,
    nodes.Operand,
    nodes.Concat,
    nodes.Filter,
)


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    audience: str  # STAFF: in the person's language; CUSTOMER: Chinese then English
    label: Message
    samples: Mapping[str, str]  # every value the template may use, with one for the preview
    defaults: Mapping[str, Wording]  # language → the shipped wording


_CASE = {"number": "SR-2026-0042", "url": "https://service.example.com/cases/42"}
_TASK = {**_CASE, "task": "报价", "due": "2026-12-04 17:30"}

TEMPLATES: dict[str, TemplateInfo] = {
    info.key: info
    for info in (
        TemplateInfo(
            "task_landed",
            STAFF,
            Message("a task lands in my inbox"),
            _TASK,
            {
                "zh_Hans_CN": Wording(
                    "新任务 {{ number }}：{{ task }}",
                    "案件 {{ number }} 有新任务「{{ task }}」待您处理。"
                    "{% if due %}\n期限：{{ due }}{% endif %}\n{{ url }}",
                ),
                "en": Wording(
                    "New task {{ number }}: {{ task }}",
                    "Case {{ number }} has a new task for you: {{ task }}."
                    "{% if due %}\nDue: {{ due }}{% endif %}\n{{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "task_handed",
            STAFF,
            Message("a task is handed to me"),
            {**_TASK, "by": "dispatcher1"},
            {
                "zh_Hans_CN": Wording(
                    "{{ by }} 将任务交给您 {{ number }}：{{ task }}",
                    "{{ by }} 将案件 {{ number }} 的任务「{{ task }}」交给您处理。"
                    "{% if due %}\n期限：{{ due }}{% endif %}\n{{ url }}",
                ),
                "en": Wording(
                    "{{ by }} handed you {{ number }}: {{ task }}",
                    "{{ by }} handed you the task \u201c{{ task }}\u201d of case {{ number }}."
                    "{% if due %}\nDue: {{ due }}{% endif %}\n{{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "due_soon",
            STAFF,
            Message("a task of mine is due soon"),
            _TASK,
            {
                "zh_Hans_CN": Wording(
                    "即将到期 {{ number }}：{{ task }}",
                    "案件 {{ number }} 的任务「{{ task }}」将于 {{ due }} 到期。\n{{ url }}",
                ),
                "en": Wording(
                    "Due soon {{ number }}: {{ task }}",
                    "The task \u201c{{ task }}\u201d of case {{ number }} is due at {{ due }}.\n{{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "overdue",
            STAFF,
            Message("a task of mine is overdue"),
            _TASK,
            {
                "zh_Hans_CN": Wording(
                    "已超期 {{ number }}：{{ task }}",
                    "案件 {{ number }} 的任务「{{ task }}」已于 {{ due }} 到期，请尽快处理。\n{{ url }}",
                ),
                "en": Wording(
                    "Overdue {{ number }}: {{ task }}",
                    "The task \u201c{{ task }}\u201d of case {{ number }} was due at {{ due }}. Please act now.\n"
                    "{{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "escalated",
            STAFF,
            Message("an overdue task is escalated to me as supervisor"),
            {**_TASK, "holder": "engineer1"},
            {
                "zh_Hans_CN": Wording(
                    "超期升级 {{ number }}：{{ task }}",
                    "案件 {{ number }} 的任务「{{ task }}」（{{ holder }}）已于 {{ due }} 到期仍未完成，"
                    "请督办。\n{{ url }}",
                ),
                "en": Wording(
                    "Escalated {{ number }}: {{ task }}",
                    "The task \u201c{{ task }}\u201d of case {{ number }} ({{ holder }}) was due at {{ due }} "
                    "and is still open. "
                    "Please step in.\n"
                    "{{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "case_changed",
            STAFF,
            Message("a case I opened changes state"),
            {**_CASE, "status": "completed"},
            {
                "zh_Hans_CN": Wording(
                    "案件 {{ number }} 状态：{{ status }}",
                    "您登记的案件 {{ number }} 现在的状态是：{{ status }}。\n{{ url }}",
                ),
                "en": Wording(
                    "Case {{ number }} is {{ status }}",
                    "The case {{ number }} you opened is now {{ status }}.\n{{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "customer_acted",
            STAFF,
            Message("a customer answered a step"),
            {**_TASK, "task": "用户意见处理反馈"},
            {
                "zh_Hans_CN": Wording(
                    "客户已答复 {{ number }}：{{ task }}",
                    "案件 {{ number }} 的「{{ task }}」已由客户本人通过链接答复。\n{{ url }}",
                ),
                "en": Wording(
                    "Customer answered {{ number }}: {{ task }}",
                    "The customer answered \u201c{{ task }}\u201d of case {{ number }} themselves, by link.\n{{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "breach",
            STAFF,
            Message("a deadline breach is recorded"),
            {**_TASK, "task": "出差报告", "kind": "late_trip_report", "holder": "engineer1"},
            {
                "zh_Hans_CN": Wording(
                    "违规记录 {{ number }}：{{ task }}",
                    "案件 {{ number }} 的任务「{{ task }}」已超过期限 {{ due }}（{{ holder }}），"
                    "计入违规登记：{{ kind }}。\n{{ url }}",
                ),
                "en": Wording(
                    "Breach recorded {{ number }}: {{ task }}",
                    "The task \u201c{{ task }}\u201d of case {{ number }} ({{ holder }}) "
                    "passed its deadline {{ due }}; "
                    "the breach register counts it as {{ kind }}.\n"
                    "{{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "promise_broken",
            STAFF,
            Message("a promise to a customer is broken"),
            {**_CASE, "promise": "arrival", "clause": "S2 5.1.1.3", "due": "2026-12-04 17:30", "kind": "late_arrival"},
            {
                "zh_Hans_CN": Wording(
                    "承诺超期 {{ number }}：{{ promise }}",
                    "案件 {{ number }} 对客户的承诺「{{ promise }}」（{{ clause }}）已于 {{ due }} 到期未兑现，"
                    "计入违规登记：{{ kind }}。\n{{ url }}",
                ),
                "en": Wording(
                    "Promise broken {{ number }}: {{ promise }}",
                    "The promise \u201c{{ promise }}\u201d ({{ clause }}) to the customer of case {{ number }} "
                    "was due at {{ due }} and is not kept; the breach register counts it as {{ kind }}.\n{{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "digest",
            STAFF,
            Message("the daily digest"),
            {
                "count": "3",
                "items": "- 新任务 SR-2026-0042：报价\n- 已超期 SR-2026-0040：派工",
                "url": "https://service.example.com/notifications",
            },
            {
                "zh_Hans_CN": Wording(
                    "Aftercare 每日摘要：{{ count }} 条未读通知",
                    "您有 {{ count }} 条未读通知：\n{{ items }}\n\n全部通知：{{ url }}",
                ),
                "en": Wording(
                    "Aftercare daily digest: {{ count }} unread",
                    "You have {{ count }} unread notifications:\n{{ items }}\n\nAll notifications: {{ url }}",
                ),
            },
        ),
        TemplateInfo(
            "case_received",
            CUSTOMER,
            Message("to the customer: service request registered"),
            {"number": "SR-2026-0042", "tracking_url": "https://service.example.com/c/…"},
            {
                "zh_Hans_CN": Wording(
                    "您的服务请求已受理 {{ number }}",
                    "您好！\n\n您的服务请求已受理，案件编号 {{ number }}。\n"
                    "{% if tracking_url %}您可随时通过以下链接查看处理进展和我们的承诺时限：\n"
                    "{{ tracking_url }}\n{% endif %}"
                    "如需补充信息，请致电售后服务台并告知案件编号。",
                ),
                "en": Wording(
                    "Service request {{ number }} registered",
                    "Hello,\n\nyour service request has been registered as case {{ number }}.\n"
                    "{% if tracking_url %}Follow its progress and our promised times here:\n"
                    "{{ tracking_url }}\n{% endif %}"
                    "To add anything, call our service desk and quote the case number.",
                ),
            },
        ),
        TemplateInfo(
            "quote_ready",
            CUSTOMER,
            Message("to the customer: the quote is ready"),
            {
                "number": "SR-2026-0042",
                "amount": "1 280.00",
                "answer_by": "2026-12-07",
                "link": "https://service.example.com/c/s/…",
            },
            {
                "zh_Hans_CN": Wording(
                    "报价已出 {{ number }}",
                    "您好！\n\n案件 {{ number }} 的报价已出{% if amount %}，金额 {{ amount }} 元{% endif %}。"
                    "{% if answer_by %}请于 {{ answer_by }} 前{% else %}请{% endif %}确认或拒绝：\n{{ link }}",
                ),
                "en": Wording(
                    "Your quote for {{ number }}",
                    "Hello,\n\nthe quote for case {{ number }} is ready{% if amount %}: CNY {{ amount }}{% endif %}.\n"
                    "Please accept or refuse it{% if answer_by %} by {{ answer_by }}{% endif %}:\n{{ link }}",
                ),
            },
        ),
        TemplateInfo(
            "engineer_on_way",
            CUSTOMER,
            Message("to the customer: the engineer is on the way"),
            {
                "number": "SR-2026-0042",
                "arrival": "2026-12-04 10:00",
                "tracking_url": "https://service.example.com/c/…",
            },
            {
                "zh_Hans_CN": Wording(
                    "服务工程师已出发 {{ number }}",
                    "您好！\n\n案件 {{ number }} 的服务工程师已派出{% if arrival %}，"
                    "承诺最迟于 {{ arrival }} 到达{% endif %}。"
                    "{% if tracking_url %}\n查看进展：\n{{ tracking_url }}{% endif %}",
                ),
                "en": Wording(
                    "Engineer on the way for {{ number }}",
                    "Hello,\n\nan engineer has been dispatched for case {{ number }}"
                    "{% if arrival %} and will arrive by {{ arrival }}{% endif %}."
                    "{% if tracking_url %}\nFollow the case:\n{{ tracking_url }}{% endif %}",
                ),
            },
        ),
        TemplateInfo(
            "service_done",
            CUSTOMER,
            Message("to the customer: the service is done, sign and rate"),
            {"number": "SR-2026-0042", "task": "用户意见处理反馈", "link": "https://service.example.com/c/s/…"},
            {
                "zh_Hans_CN": Wording(
                    "服务已完成，请确认 {{ number }}",
                    "您好！\n\n案件 {{ number }} 的服务已完成。"
                    "请通过以下链接签字确认并留下您的意见（{{ task }}）：\n{{ link }}",
                ),
                "en": Wording(
                    "Service done for {{ number }}: please sign",
                    "Hello,\n\nthe service of case {{ number }} is done. "
                    "Please sign it off and tell us what you think ({{ task }}):\n"
                    "{{ link }}",
                ),
            },
        ),
        TemplateInfo(
            "customer_step",
            CUSTOMER,
            Message("to the customer: a step waits for their answer"),
            {"number": "SR-2026-0042", "task": "满意度调查", "link": "https://service.example.com/c/s/…"},
            {
                "zh_Hans_CN": Wording(
                    "请您答复 {{ number }}：{{ task }}",
                    "您好！\n\n案件 {{ number }} 需要您答复「{{ task }}」，请打开：\n{{ link }}",
                ),
                "en": Wording(
                    "Your answer for {{ number }}: {{ task }}",
                    "Hello,\n\ncase {{ number }} waits for your answer to \u201c{{ task }}\u201d. Please open:\n"
                    "{{ link }}",
                ),
            },
        ),
        TemplateInfo(
            "complaint_reply",
            CUSTOMER,
            Message("to the customer: the written reply to their complaint"),
            {"number": "CP-2026-0007", "reply": "经核查……", "tracking_url": "https://service.example.com/c/…"},
            {
                "zh_Hans_CN": Wording(
                    "投诉处理答复 {{ number }}",
                    "您好！\n\n关于您的投诉 {{ number }}，我们的书面答复如下：\n\n{{ reply }}"
                    "{% if tracking_url %}\n\n您也可在此查看：\n{{ tracking_url }}{% endif %}",
                ),
                "en": Wording(
                    "Reply to your complaint {{ number }}",
                    "Hello,\n\nour written reply to your complaint {{ number }}:\n\n{{ reply }}"
                    "{% if tracking_url %}\n\nYou can also read it here:\n{{ tracking_url }}{% endif %}",
                ),
            },
        ),
    )
}

_ENVIRONMENT = SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)
_STRICT = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


def problems_of(key: str, wording: Wording) -> dict[str, str]:
    """What is wrong with an administrator's wording of ``key`` (field → problem); {} when none.
    A value the template does not offer, a forbidden construct and a syntax error are named
    with their line."""
    info = TEMPLATES[key]
    found: dict[str, str] = {}
    for part, text, limit in (("subject", wording.subject, MAX_SUBJECT), ("body", wording.body, MAX_BODY)):
        if not text.strip():
            found[part] = Message("write the text of the message")
            continue
        if len(text) > limit:
            found[part] = Message("at most %(count)s characters", count=limit)
            continue
        if part == "subject" and "\n" in text.strip():
            found[part] = Message("a subject is one line")
            continue
        problem = _construct_problem(text, info.samples)
        if problem is not None:
            found[part] = problem
    return found


def _construct_problem(text: str, samples: Mapping[str, str]) -> Message | None:
    try:
        tree = _ENVIRONMENT.parse(text)
    except TemplateSyntaxError as err:
        return Message("line %(line)s: %(error)s", line=err.lineno, error=err.message or "syntax error")
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _ALLOWED_NODES):
            return Message(
                "line %(line)s: only {{ value }}, {%% if %%} and the filters %(filters)s may be used here",
                line=node.lineno,
                filters=", ".join(sorted(FILTERS)),
            )
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            return Message("line %(line)s: no filter named %(name)s", line=node.lineno, name=node.name)
        if isinstance(node, nodes.Name) and node.name not in samples:
            return Message(
                "line %(line)s: this message has no value named %(name)s; it has %(names)s",
                line=node.lineno,
                name=node.name,
                names=", ".join(samples),
            )
    return None


def render(text: str, values: Mapping[str, object]) -> str:
    """The template filled in; a value it names that the event lacks is left empty."""
    return _ENVIRONMENT.from_string(text).render({key: "" if value is None else value for key, value in values.items()})


def wording_of(key: str, language: str, overrides: Mapping[tuple[str, str], Wording]) -> Wording:
    """The wording in force: the administrator's, else the shipped default (English when a
    language has none)."""
    info = TEMPLATES[key]
    return overrides.get((key, language)) or info.defaults.get(language) or info.defaults["en"]


def filled(
    key: str, language: str, values: Mapping[str, object], overrides: Mapping[tuple[str, str], Wording]
) -> Wording:
    wording = wording_of(key, language, overrides)
    return Wording(render(wording.subject, values).strip().replace("\n", " "), render(wording.body, values).strip())


def for_customer(key: str, values: Mapping[str, object], overrides: Mapping[tuple[str, str], Wording]) -> Wording:
    """A customer has no account and so no chosen language: Chinese first, then English."""
    zh, en = (filled(key, language, values, overrides) for language in LANGUAGES)
    return Wording(f"{zh.subject} / {en.subject}", f"{zh.body}\n\n{en.body}\n")


def preview(key: str, wording: Wording) -> Wording:
    """The wording filled in with the sample values (the caller checked it with ``problems_of``)."""
    samples = TEMPLATES[key].samples
    return Wording(
        _STRICT.from_string(wording.subject).render(samples), _STRICT.from_string(wording.body).render(samples)
    )

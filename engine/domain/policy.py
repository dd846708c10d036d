"""The company policy the reports, the archive and the case numbers read, in one typed model.

The processes are editable diagrams; the figures are defined against steps and form fields of
those diagrams. Every such name lives here (and nowhere else in the code), so a studio rename
is fixed in one place. The company's numbers (promises, targets, penalties) are its service
settings (engine/domain/service_settings.py), which admins change without a release.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from engine.domain.archive_check import ArchiveCheck
from engine.domain.promise_clocks import ARRIVAL
from engine.domain.promise_clocks import Clock


@dataclass(frozen=True)
class FieldAt:
    """A form field of one step: ``step`` is the BPMN id of the user task."""

    step: str
    field: str


@dataclass(frozen=True)
class CostAt:
    """One kind of external failure cost (engine/domain/failure_cost.py): the amount, or the
    hours, a step records, dated by the completion of ``dated_by`` (default: the same step)."""

    kind: str
    value: FieldAt
    dated_by: FieldAt | None = None
    hours: bool = False  # hours, priced at the fee table's rate ``Policy.hour_rate``
    unpaid_only: bool = False  # not when the customer or a partner pays for the work


FAULT = ("request_kind", "fault")
CONSULTATION = ("request_kind", "consultation")
# While the customer weighs a quote the promises to them stand still (S2 7.2.4): from the quote's
# sending to the answer, each recorded by its step (``done_at``).
QUOTE_WAIT = ("quote_sent_at", "quote_answered_at")


@dataclass(frozen=True)
class Policy:
    service_process: str = "service_request"
    complaint_process: str = "complaint"
    # Intake: the kind of request, and which kind is a fault (the service cases counted).
    request_kind: FieldAt = FieldAt("register", "request_kind")
    fault_kind: str = "fault"
    # First response is the first step done after registration.
    first_step_after: str = "register"
    # The satisfaction survey: the step and its four rated questions.
    survey_step: str = "rate"
    survey_items: tuple[str, ...] = ("rating_attitude", "rating_skill", "rating_arrival", "rating_promises")
    satisfied_answers: frozenset[str] = frozenset({"very_satisfied", "satisfied"})
    answer_scores: dict[str, int] = field(
        default_factory=lambda: {"very_satisfied": 4, "satisfied": 3, "fair": 2, "poor": 1}
    )
    # The engineer a case was dispatched to.
    engineer: FieldAt = FieldAt("dispatch", "engineer")
    # Complaints: class at registration; fault, department and cause from the analysis.
    complaint_class: FieldAt = FieldAt("register", "complaint_class")
    complaint_analysis_step: str = "analyse"
    company_fault_field: str = "company_fault"
    department_field: str = "responsible_department"
    cause_field: str = "cause"
    service_department: str = "after_sales"
    # Cause and responsibility of every repair (S2 12.3), with the complaint's codes: the steps
    # that record them, in the order a case passes them; a case counts under the last one
    # recorded (the factory's joint re-inspection refines what the engineer found on site).
    cause_steps: tuple[str, ...] = ("service", "reinspect", "check")
    # External failure cost (S2 12.4): trips, factory hours, replacements, refunds, complaints'
    # measures; warranty parts come from the parts ledger at the price list.
    costs: tuple[CostAt, ...] = (
        CostAt("trips", FieldAt("reimburse", "reimbursed_amount"), unpaid_only=True),
        CostAt("factory_hours", FieldAt("repair", "repair_hours"), hours=True, unpaid_only=True),
        CostAt("factory_hours", FieldAt("repair_recovered", "recovered_repair_hours"), hours=True),
        CostAt(
            "replacements", FieldAt("sales_confirm", "amount"), dated_by=FieldAt("ship_replacement", "stock_out_no")
        ),
        CostAt("refunds", FieldAt("refund", "refund_amount")),
        CostAt("complaints", FieldAt("carry_out", "external_cost")),
    )
    # Leaving site without the quality office's approval (S2 7.2.6): the answer that records it,
    # and the step of the engineer who left (the breach register's fine is a service setting).
    left_without_approval: tuple[FieldAt, str, str] = (FieldAt("approve_leave", "leave"), "without_approval", "service")
    # Corrective and preventive action opened from any case: the process and its start field
    # naming the case (the case page lists the actions and offers to open one).
    capa_process: str = "capa"
    capa_source_field: str = "source_case"
    hour_rate: tuple[str, str] = ("factory", "technician")  # the fee table's (work, skill)
    # Work paid for: the partner told it is billed (S2 5.2.2), or a quote or fee the customer accepted.
    paid_steps: tuple[FieldAt, ...] = (
        FieldAt("notify_partner", "partner_notified"),
        FieldAt("bill_partner", "partner_bill_no"),
    )
    paid_answers: tuple[FieldAt, ...] = (
        FieldAt("confirm_quote", "quote_accepted"),
        FieldAt("confirm_fee", "fee_accepted"),
    )
    # The case-data fields that tie a case to a delivered unit and to its customer (product archive).
    serial_number_field: str = "serial_number"
    customer_field: str = "customer"
    # Where intake records the customer's e-mail: registering it sends the case number and a
    # tracking link (engine/store/case_notices.py).
    customer_email: FieldAt = FieldAt("register", "contact_email")
    # And the phone: a mobile number there gets the same messages as text (engine/domain/text_messages.py).
    customer_phone: FieldAt = FieldAt("register", "contact_phone")
    # The step that decides warranty and category opens with the archive's answers; a different
    # choice needs the reason field (engine/domain/archive_check.py).
    archive_check: ArchiveCheck = ArchiveCheck(
        "triage",
        "archive_note",
        (("under_warranty", "warranty"), ("has_contract", "contract"), ("product_category", "category")),
    )
    # A call answered as contract service must be covered by the customer's maintenance contract
    # (the customer master, engine/store/customer_records.py): (the warranty check's field, the
    # kind of work a fault call asks for, customer_master.SCOPE).
    contract_check: tuple[str, str] = ("has_contract", "repair")
    # What lists show of a case's data (never the whole of it: a list stays small).
    summary_fields: tuple[str, ...] = (
        "customer", "serial_number", "product_model", "part_no", "model", "priority", "request_kind", "complaint_class",
    )  # fmt: skip
    # The case record's head, as on the policy's paper forms: who, what unit, the money, the
    # customer's ratings; each the latest recorded value, with its form label.
    record_groups: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("customer", ("customer", "contact_person", "contact_phone", "address", "channel")),
        ("product", ("product_model", "part_no", "serial_number", "product_category", "under_warranty")),
        ("money", ("quote_amount", "quote_accepted", "fee_amount", "fee_accepted", "amount", "invoice_amount",
                   "invoice_no", "amount_collected", "partner_amount", "partner_bill_no", "refund_amount", "expenses",
                   "approved_expenses", "reimbursed_amount", "external_cost")),
        ("ratings", ("rating_attitude", "rating_skill", "rating_arrival", "rating_promises", "rating_comment")),
    )  # fmt: skip
    # What a case came to, read from its data in this order (product and customer archive).
    solution_field: str = "solution"
    resolved_by_phone_field: str = "resolved"
    # Case numbers: readable prefixes of the shipped processes (others use their initials).
    case_number_prefixes: dict[str, str] = field(
        default_factory=lambda: {"service_request": "SR", "complaint": "CP", "capa": "CA"}
    )
    # Decision points: a string field whose id holds one of these words is the decision's comment.
    comment_words: tuple[str, ...] = ("comment", "note", "reason", "opinion")
    # The team whose chat group hears when a customer answers their own step (by link).
    customer_answer_team: str = "service_desk"
    # What the customer is told by e-mail when a step of theirs opens, with a link that answers
    # it (engine/domain/message_templates.py); any other customer step: "customer_step".
    customer_step_letters: dict[str, str] = field(
        default_factory=lambda: {
            "confirm_quote": "quote_ready",
            "confirm_fee": "quote_ready",
            "feedback": "service_done",
        }
    )
    quote_amount_fields: tuple[str, ...] = ("quote_amount", "fee_amount")
    # When the on-site service step opens the engineer is on the way; its due time is the
    # promised arrival the customer is told.
    on_the_way_step: str = "service"
    # The written answer every complaint ends with, as the customer reads it (e-mail and
    # tracking page): the explanation when the company is not at fault, else what was done.
    complaint_replies: tuple[FieldAt, ...] = (FieldAt("explain", "explanation"), FieldAt("carry_out", "result"))
    # Steps the customer's tracking page leaves out: the company's own records and audits.
    private_steps: tuple[str, ...] = (
        "record_late_forward", "record_late_report", "record_leave", "verify", "approve_competitor",
    )  # fmt: skip
    # The fields the promise clocks stop at that a step's form records (the deploy check keeps them).
    clock_fields: tuple[FieldAt, ...] = (
        FieldAt("triage", "contacted_at"),
        FieldAt("service", "arrived_at"),
        FieldAt("service", "completed_at"),
    )

    # The promises to the customer (engine/domain/promise_clocks.py): start, stop, clause, who
    # answers for each. The case page shows them, the breach register lists the broken ones, and
    # a service is on time when every one was kept.
    clocks: tuple[Clock, ...] = (
        Clock("forward", "received_at", "forwarded_at", "S2 7.1.3", owner="register", breach="late_forwarding"),
        Clock("contact", "forwarded_at", "contacted_at", "S2 7.1.3", when=FAULT, owner="triage"),
        Clock("consultation", "forwarded_at", "done:answer", "S2 7.2.1", when=CONSULTATION, owner="answer"),
        Clock("dispatch", "received_at", "done:dispatch", "S0 三.4", setting="dispatch_at_registration",
              owner="dispatch"),
        Clock(ARRIVAL, "received_at", "arrived_at", "S2 5.1.1.3", when=FAULT, pause=QUOTE_WAIT, owner="service",
              fallback="dispatcher"),
        Clock("fix", "received_at", "completed_at", "S4 4.(6)", when=FAULT, pause=QUOTE_WAIT, owner="service",
              fallback="dispatcher"),
        Clock("resolution", "received_at", "service_ended_at", "S2/11 3.12", when=FAULT, pause=QUOTE_WAIT,
              owner="choose_way", fallback="quality_office"),
        Clock("complaint_contact", "registered_at", "done:first_contact", "S4 4.(2)", owner="first_contact"),
    )  # fmt: skip

    def figure_references(self) -> list[tuple[str, FieldAt]]:
        """Every step and form field a figure of the dashboard reads, with the figure's name;
        a deployment that removes one is refused (engine/bpmn/figure_references.py)."""
        analysis = self.complaint_analysis_step
        return [
            ("service cases (the kind of request)", self.request_kind),
            *[("satisfaction and engineers' ratings", FieldAt(self.survey_step, item)) for item in self.survey_items],
            ("engineers' ratings (who was dispatched)", self.engineer),
            *[("service on time (promise clocks)", recorded) for recorded in self.clock_fields],
            ("complaints by class", self.complaint_class),
            ("complaint rate (company fault)", FieldAt(analysis, self.company_fault_field)),
            ("complaints by department", FieldAt(analysis, self.department_field)),
            ("complaints by cause", FieldAt(analysis, self.cause_field)),
            *[
                ("failure causes", FieldAt(step, name))
                for step in self.cause_steps
                for name in (self.cause_field, self.department_field)
            ],
            *[("external failure cost", at) for cost in self.costs for at in (cost.value, cost.dated_by) if at],
            *[("external failure cost (paid work)", at) for at in (*self.paid_steps, *self.paid_answers)],
            ("breach register (left site without approval)", self.left_without_approval[0]),
            *[
                ("warranty proposed from the archive", FieldAt(self.archive_check.step, name))
                for name in self.archive_check.field_names()
            ],
        ]

    def outcome(self, data: dict[str, object]) -> str:
        """What a case came to: its solution, solved by phone, or the kind of a non-fault request."""
        if data.get(self.solution_field):
            return str(data[self.solution_field])
        if data.get(self.resolved_by_phone_field) is True:
            return "phone"
        kind = data.get(self.request_kind.field)
        if kind and kind != self.fault_kind:
            return str(kind)
        return ""


SHIPPED = Policy()

"""Every model module, imported so that ``Base.metadata`` is complete."""

from engine.models.audit import AuditEvent as AuditEvent
from engine.models.calendar import CalendarDay as CalendarDay
from engine.models.cases import Case as Case
from engine.models.cases import CaseCounter as CaseCounter
from engine.models.cases import WorkItem as WorkItem
from engine.models.notes import CaseAttachment as CaseAttachment
from engine.models.notes import CaseComment as CaseComment
from engine.models.people import ApiToken as ApiToken
from engine.models.people import Role as Role
from engine.models.people import User as User
from engine.models.processes import ProcessDraft as ProcessDraft
from engine.models.processes import ProcessVersion as ProcessVersion
from engine.models.products import DeliveredUnit as DeliveredUnit

"""Every model module, imported so that ``Base.metadata`` is complete."""

from engine.store.models.audit import AuditEvent as AuditEvent
from engine.store.models.calendar import CalendarDay as CalendarDay
from engine.store.models.care import CareStart as CareStart
from engine.store.models.cases import Case as Case
from engine.store.models.cases import CaseCounter as CaseCounter
from engine.store.models.cases import WorkItem as WorkItem
from engine.store.models.customer_links import CustomerLink as CustomerLink
from engine.store.models.customers import Customer as Customer
from engine.store.models.customers import CustomerContact as CustomerContact
from engine.store.models.customers import CustomerSite as CustomerSite
from engine.store.models.customers import ServiceAgreement as ServiceAgreement
from engine.store.models.notes import CaseAttachment as CaseAttachment
from engine.store.models.notes import CaseComment as CaseComment
from engine.store.models.notifications import MessageTemplate as MessageTemplate
from engine.store.models.notifications import Notification as Notification
from engine.store.models.notifications import NotificationRead as NotificationRead
from engine.store.models.outbox import OutboxMessage as OutboxMessage
from engine.store.models.people import ApiToken as ApiToken
from engine.store.models.people import Role as Role
from engine.store.models.people import User as User
from engine.store.models.printed import FormTemplate as FormTemplate
from engine.store.models.printed import PrintedDocument as PrintedDocument
from engine.store.models.processes import ProcessDraft as ProcessDraft
from engine.store.models.processes import ProcessVersion as ProcessVersion
from engine.store.models.products import DeliveredUnit as DeliveredUnit
from engine.store.models.settings import SettingsVersion as SettingsVersion

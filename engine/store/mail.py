"""The way out to the mail server: one outbox message as an e-mail over SMTP.

Chinese subjects and bodies go out as UTF-8 (RFC 2047 encoded words in the headers, which
``email.message.EmailMessage`` writes); the outbox key is the Message-ID, so a message sent
twice after a worker died between sending and recording is recognisably the same message.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from engine.domain.config import SmtpSettings
from engine.store.outbox import Outgoing


def email_of(message: Outgoing, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "aftercare"
    mail["Message-ID"] = f"<{message.key}@{domain}>"
    mail.set_content(message.body)
    return mail


class SmtpSender:
    """Sends e-mail; raises OSError or smtplib.SMTPException when the server will not take it."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: Outgoing) -> None:
        settings = self.settings
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(email_of(message, settings.sender))

"""The signed part of a customer link: which link row it names, for which purpose.

A token is an itsdangerous signature over the link's id, salted with its purpose, so a tracking
link cannot be replayed as (say) a signing link and a forged or altered token is refused before
the database is asked. Expiry and withdrawal live on the row (engine/store/models/customer_links.py);
the token's own timestamp bounds it too, so even a row whose expiry was mis-set cannot outlive
``MAX_AGE``.
"""

from __future__ import annotations

from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeSerializer
from itsdangerous import URLSafeTimedSerializer

MAX_AGE_SECONDS = 400 * 24 * 3600  # no link lives longer than this, whatever its row says
# Where each kind of token opens on the public site (webapp/pages/portal.py): following the
# case, answering a step, asking for service from a nameplate.
PORTAL_PATHS = {"track": "/c/", "task": "/c/s/", "nameplate": "/c/r/"}


def portal_url(public_url: str, kind: str, token: str) -> str:
    """The address a customer opens (in a message, behind a QR code) for a signed token."""
    return f"{public_url}{PORTAL_PATHS[kind]}{token}"


class TokenRefused(ValueError):
    """A token that was forged, altered, meant for another purpose, or too old."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid" or "expired"


def _serializer(secret: str | bytes, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"aftercare.customer-link.{purpose}")


def sign(secret: str | bytes, purpose: str, link_id: int) -> str:
    return _serializer(secret, purpose).dumps(link_id)


def link_id_of(secret: str | bytes, purpose: str, token: str) -> int:
    """The link id ``token`` was signed for; TokenRefused otherwise."""
    if not token or len(token) > 200:
        raise TokenRefused("invalid")
    try:
        value = _serializer(secret, purpose).loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired:
        raise TokenRefused("expired") from None
    except BadSignature:
        raise TokenRefused("invalid") from None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TokenRefused("invalid")
    return value


NAMEPLATE = "aftercare.nameplate"


def sign_serial(secret: str | bytes, serial: str) -> str:
    """The token of a unit's nameplate QR code: it names the serial number and never expires
    (the label stays on the machine for its life); changing the secret key retires all labels."""
    return URLSafeSerializer(secret, salt=NAMEPLATE).dumps(serial)


def serial_of(secret: str | bytes, token: str) -> str:
    if not token or len(token) > 300:
        raise TokenRefused("invalid")
    try:
        value = URLSafeSerializer(secret, salt=NAMEPLATE).loads(token)
    except BadSignature:
        raise TokenRefused("invalid") from None
    if not isinstance(value, str):
        raise TokenRefused("invalid")
    return value

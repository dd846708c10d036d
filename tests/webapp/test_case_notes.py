"""Comments and attachments on a case: limits, checked file kinds, safe download, audit."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from engine.domain.errors import InvalidData
from engine.services import case_notes
from engine.services import cases
from engine.store.models import AuditEvent
from tests import diagrams
from tests.conftest import SQLITE_ONLY
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def setup_case(ctx, make_user, deploy):
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk", "service_desk")
    make_user("cust", "customer")
    return cases.start_case(ctx, desk, "two_steps", {})


def test_comments_and_files_are_shown_downloaded_and_audited(app, ctx, make_user, deploy) -> None:
    case = setup_case(ctx, make_user, deploy)
    client = app.test_client()
    sign_in(client, "desk")
    token = csrf(client, f"/cases/{case.id}")
    client.post(f"/cases/{case.id}/comments", data={"csrf_token": token, "comment": "客户下午在厂"})
    upload = {"csrf_token": token, "file": (io.BytesIO(PNG), "../../现场照片 1.png")}
    assert client.post(f"/cases/{case.id}/attachments", data=upload).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "客户下午在厂" in page and "现场照片_1.png" in page
    attachment_id = page.split(f"/cases/{case.id}/attachments/")[1].split('"')[0]
    download = client.get(f"/cases/{case.id}/attachments/{attachment_id}")
    assert download.data == PNG and download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    with ctx.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)))
    assert actions[-2:] == ["comment_added", "attachment_added"]


def test_files_that_are_not_what_they_claim_or_too_large_are_refused(app, ctx, make_user, deploy) -> None:
    case = setup_case(ctx, make_user, deploy)
    client = app.test_client()
    sign_in(client, "desk")
    token = csrf(client, f"/cases/{case.id}")
    for name, content in [("x.png", b"<script>alert(1)</script>"), ("x.html", b"<html>"), ("x.exe", b"MZ")]:
        client.post(f"/cases/{case.id}/attachments", data={"csrf_token": token, "file": (io.BytesIO(content), name)})
    app.config["MAX_CONTENT_LENGTH"] = 100_000  # the request bound (12 MB in production), scaled down
    big = {"csrf_token": token, "file": (io.BytesIO(b"a" * 200_000), "big.txt")}
    assert client.post(f"/cases/{case.id}/attachments", data=big).status_code == 413
    with pytest.raises(InvalidData, match="file"):  # the file bound, behind the request bound
        case_notes.add_attachment(ctx, make_user("d2", "service_desk"), case.id, "big.txt", b"a" * (10 * 2**20 + 1))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "/attachments/" not in page


def test_only_staff_can_download(app, ctx, make_user, deploy) -> None:
    case = setup_case(ctx, make_user, deploy)
    client = app.test_client()
    sign_in(client, "desk")
    token = csrf(client, f"/cases/{case.id}")
    client.post(f"/cases/{case.id}/attachments", data={"csrf_token": token, "file": (io.BytesIO(PNG), "a.png")})
    outsider = app.test_client()
    assert outsider.get(f"/cases/{case.id}/attachments/1").status_code == 302  # to sign-in
    sign_in(outsider, "cust")
    assert outsider.get(f"/cases/{case.id}/attachments/1").status_code == 403
    assert client.get(f"/cases/{case.id + 1}/attachments/1").status_code == 404  # not this case's file


def test_images_and_pdfs_are_previewed_in_the_page_and_other_files_only_downloaded(app, ctx, make_user, deploy) -> None:
    case = setup_case(ctx, make_user, deploy)
    client = app.test_client()
    sign_in(client, "desk")
    token = csrf(client, f"/cases/{case.id}")
    for content, name in [(PNG, "photo.png"), (b"%PDF-1.4\n%%EOF\n", "report.pdf"), (b"plain words", "note.txt")]:
        client.post(f"/cases/{case.id}/attachments", data={"csrf_token": token, "file": (io.BytesIO(content), name)})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    photo, report, note = (
        page.split(f">{name}</a>")[0].rsplit(f"/cases/{case.id}/attachments/", 1)[1].split('"')[0]
        for name in ("photo.png", "report.pdf", "note.txt")
    )
    assert f'<img src="/cases/{case.id}/attachments/{photo}/preview" alt="photo.png"' in page
    assert f'<iframe src="/cases/{case.id}/attachments/{report}/preview" title="report.pdf"' in page
    assert f"/attachments/{note}/preview" not in page
    image = client.get(f"/cases/{case.id}/attachments/{photo}/preview")
    assert image.data == PNG and image.mimetype == "image/png"
    assert image.headers["Content-Disposition"].startswith("inline;")
    assert image.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    pdf = client.get(f"/cases/{case.id}/attachments/{report}/preview")
    assert pdf.mimetype == "application/pdf" and pdf.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in pdf.headers["Content-Security-Policy"]
    assert client.get(f"/cases/{case.id}/attachments/{note}/preview").status_code == 404
    assert client.get(f"/cases/{case.id + 1}/attachments/{photo}/preview").status_code == 404
    sign_in(outsider := app.test_client(), "cust")
    assert outsider.get(f"/cases/{case.id}/attachments/{photo}/preview").status_code == 403

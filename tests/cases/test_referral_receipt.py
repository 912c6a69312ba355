"""The sender's receipt: after sending, the reference, the time, what was sent and what happens next, on the page
and as a PDF read back; a notice with the reference and no personal data; nobody else's receipt."""

import io
import uuid

import pytest
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessEvent
from cases.models import Referral
from mentorprogram.roles import COORDINATOR, REFERRER
from notifications.models import Notification, OutboxItem
from notifications.texts import notification_text

pytestmark = pytest.mark.django_db


def _send(client):
    return client.post(
        "/cases/referrals/new/",
        {
            "submission_key": str(uuid.uuid4()),
            "source": "school",
            "source_organisation": "Nordby skole",
            "referrer_name": "Lærer Lund",
            "received_on": timezone.localdate().isoformat(),
            "urgency": "normal",
            "concern": "Deler ekstremt materiale i klassechatten.",
            "first_name": "Ola",
            "last_name": "Kvitteringsen",
            "date_of_birth": "2008-02-03",
            "national_id": "",
            "gender": "unknown",
            "guardians": "Mor: Kari Kvitteringsen",
        },
    )


def test_the_sender_gets_a_receipt_page_a_pdf_and_a_notice_without_personal_data(client, make_user, verified_login):
    referrer = make_user(REFERRER)
    verified_login(client, referrer)
    sent = _send(client)
    assert sent.status_code == 302 and sent.url.endswith("/receipt/")
    receipt = client.get(sent.url).content.decode()
    referral = Referral.objects.get(submitted_by=referrer)
    reference = f"BM-{timezone.localtime(referral.submitted_at):%Y}-{referral.pk:06d}"
    assert reference in receipt and "Kvitteringsen" in receipt and "klassechatten" in receipt
    assert referral.answer_due_on.strftime("%Y") in receipt  # by when to expect the decision
    pdf = client.get(f"/cases/referrals/{referral.pk}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and reference in pdf["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert reference in text and "Kvitteringsen" in text and "klassechatten" in text
    kinds = list(AccessEvent.objects.filter(actor=referrer).values_list("kind", flat=True))
    assert "view" in kinds and "export" in kinds
    queued = OutboxItem.objects.get(payload__recipient=referrer.pk, payload__kind=Notification.Kind.REFERRAL_RECEIPT)
    words = notification_text(Notification(kind=queued.payload["kind"], params=queued.payload["params"]))
    assert reference in words and "Kvitteringsen" not in words and "Ola" not in words
    mine = client.get("/cases/referrals/mine/").content.decode()
    assert reference in mine and f"/cases/referrals/{referral.pk}/receipt/" in mine


def test_nobody_else_reads_the_receipt(client, make_user, verified_login):
    referrer, other = make_user(REFERRER), make_user(COORDINATOR)
    verified_login(client, referrer)
    _send(client)
    referral = Referral.objects.get(submitted_by=referrer)
    client.logout()
    verified_login(client, other)
    assert client.get(f"/cases/referrals/{referral.pk}/receipt/").status_code == 404
    assert client.get(f"/cases/referrals/{referral.pk}/receipt.pdf").status_code == 404

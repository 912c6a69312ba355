"""The sender's receipt for a referral: reference, time, what they sent, what happens next and by when; on the
page and as a PDF. Only the one who sent it; anyone else's id answers 404, as a missing one does."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import selectors
from mentorprogram.access import requires_permission
from mentorprogram.pdf import pdf_render


def _masked(national_id: str) -> str:
    """The identity number as the receipt shows it: the date part, the personal number hidden."""
    return f"{national_id[:6]}*****" if national_id else ""


def _context(referral) -> dict:
    return {"referral": referral, "national_id": _masked(referral.national_id)}


@requires_permission("cases.submit_referral")
@require_GET
def referral_receipt(request, pk):
    referral = selectors.referral_receipt_for_sender(user=request.user, pk=pk)
    return render(request, "cases/referral_receipt.html", _context(referral))


@requires_permission("cases.submit_referral")
@require_GET
def referral_receipt_pdf(request, pk):
    """The receipt as a PDF for the sender's own records: printing it is an export in the trail."""
    referral = selectors.referral_receipt_for_print(user=request.user, pk=pk)
    response = HttpResponse(
        pdf_render("cases/referral_receipt_pdf.html", _context(referral)), content_type="application/pdf"
    )
    # The reference, not a name, in the file name: it ends up in download folders and browser histories.
    response["Content-Disposition"] = f'attachment; filename="kvittering-{referral.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response

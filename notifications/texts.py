"""What each kind of notification says: one function per kind, in a table. Texts hold ids and codes only.

The texts that need an app's own codes (a referral's status, a qualification's
kind, a concern's level) belong to that app, which registers them in its
``AppConfig.ready()`` (``notification_text_register``); this module imports no
feature app. Texts are rendered when read, in the reader's language.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorprogram.roles import ROLES_BY_SLUG
from notifications.models import Notification

Kind = Notification.Kind


def _count(value) -> int:
    """A count from a notification's params, for choosing the plural form (a missing one counts as many)."""
    return value if isinstance(value, int) else 2


def _role(code):
    return {"mentor": _("mentor"), "coordinator": _("coordinator")}.get(code, code or "")


def _role_name(slug) -> str:
    role = ROLES_BY_SLUG.get(slug)
    return str(role.name) if role else str(slug)


def _role_decided(p) -> str:
    text = (
        _("The role «%(role)s» for user %(user)s was approved.")
        if p.get("decision") == "approved"
        else _("The role «%(role)s» for user %(user)s was refused.")
    )
    return text % {"user": p.get("user"), "role": _role_name(p.get("role"))}


_TEXTS = {
    Kind.ASSIGNED_TO_CASE: lambda p: (
        _("You were assigned to case %(case)s as %(role)s.") % {"case": p.get("case"), "role": _role(p.get("as"))}
    ),
    Kind.ASSIGNMENT_ENDED: lambda p: _("Your assignment to case %(case)s has ended.") % {"case": p.get("case")},
    Kind.CASE_WAITING_FOR_MENTOR: lambda p: (
        ngettext(
            "Case %(case)s has waited %(days)s day for a mentor.",
            "Case %(case)s has waited %(days)s days for a mentor.",
            _count(p.get("days")),
        )
        % {"case": p.get("case"), "days": p.get("days")}
    ),
    Kind.REFERRAL_RECEIVED: lambda p: (
        _("Referral %(referral)s has been received and waits for triage.") % {"referral": p.get("referral")}
    ),
    Kind.REFERRAL_ACUTE: lambda p: (
        _("Referral %(referral)s is marked as acute danger. Triage it now.") % {"referral": p.get("referral")}
    ),
    Kind.REFERRAL_UNTRIAGED: lambda p: (
        ngettext(
            "Referral %(referral)s has waited %(days)s day for triage.",
            "Referral %(referral)s has waited %(days)s days for triage.",
            _count(p.get("days")),
        )
        % {"referral": p.get("referral"), "days": p.get("days")}
    ),
    Kind.CONSENT_EXPIRING: lambda p: (
        _("A consent in case %(case)s expires on %(date)s.") % {"case": p.get("case"), "date": p.get("date")}
    ),
    Kind.CASE_WITHOUT_SESSION: lambda p: (
        ngettext(
            "No session has been logged in case %(case)s for %(weeks)s week.",
            "No session has been logged in case %(case)s for %(weeks)s weeks.",
            _count(p.get("weeks")),
        )
        % {"case": p.get("case"), "weeks": p.get("weeks")}
    ),
    Kind.DISCLOSURE_RECORDED: lambda p: (
        _("A disclosure from case %(case)s was recorded in the register of disclosures.") % {"case": p.get("case")}
    ),
    Kind.EMERGENCY_ACCESS: lambda p: (
        _("Emergency access to case %(case)s was opened by %(user)s. Review it.")
        % {"case": p.get("case"), "user": p.get("user")}
    ),
    Kind.RETENTION_DUE: lambda p: (
        ngettext(
            "%(count)s closed case is past the retention period. Review the list before it is erased.",
            "%(count)s closed cases are past the retention period. Review the list before they are erased.",
            _count(p.get("count")),
        )
        % {"count": p.get("count")}
    ),
    Kind.SECOND_FACTOR_RESET: lambda p: _(
        "An administrator reset your second factor. You set up your authenticator app again at your next login."
    ),
    Kind.ROLE_GRANT_REQUESTED: lambda p: (
        _("User %(user)s has been asked the role «%(role)s». Approve or refuse it.")
        % {"user": p.get("user"), "role": _role_name(p.get("role"))}
    ),
    Kind.ROLE_GRANT_DECIDED: _role_decided,
    Kind.ROLE_GRANTED: lambda p: (
        _("User %(user)s was granted the role «%(role)s», asked by %(asked)s and approved by %(approved)s.")
        % {
            "user": p.get("user"),
            "role": _role_name(p.get("role")),
            "asked": p.get("asked_by"),
            "approved": p.get("approved_by"),
        }
    ),
    Kind.SECOND_FACTOR_RESET_BY_ADMIN: lambda p: (
        _("Administrator %(actor)s reset the second factor of user %(user)s.")
        % {"actor": p.get("actor"), "user": p.get("user")}
    ),
    Kind.EMAIL_CHANGED_BY_ADMIN: lambda p: (
        _("Administrator %(actor)s changed the email address of user %(user)s, who reaches personal data.")
        % {"actor": p.get("actor"), "user": p.get("user")}
    ),
    Kind.IDENTITY_LINKED: lambda p: (
        _(
            "An administrator linked your account to a sign-in with %(provider)s. If you did not expect it, contact "
            "the programme's administrator at once."
        )
        % {"provider": p.get("provider")}
    ),
    Kind.IDENTITY_LINKED_BY_ADMIN: lambda p: (
        _("Administrator %(actor)s linked a sign-in with %(provider)s to the account of user %(user)s.")
        % {"actor": p.get("actor"), "provider": p.get("provider"), "user": p.get("user")}
    ),
    Kind.PASSWORD_CHANGED: lambda p: _(
        "Your password was changed. If it was not you, contact the programme's administrator at once."
    ),
}


def notification_text_register(kind: str, text) -> None:
    """``text(params) -> str`` says what a notification of ``kind`` means; registered by the app that sends it."""
    _TEXTS[kind] = text


def notification_text(notification: Notification) -> str:
    text = _TEXTS.get(notification.kind)
    if text is None:
        return str(notification.get_kind_display())
    return text(notification.params)

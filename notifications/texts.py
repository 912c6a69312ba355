"""What each kind of notification says. Texts hold ids and codes only, never names."""

from django.utils.translation import gettext as _

from notifications.models import Notification

Kind = Notification.Kind


def notification_text(notification: Notification) -> str:
    p = notification.params
    if notification.kind == Kind.ASSIGNED_TO_CASE:
        return _("You were assigned to case %(case)s as %(role)s.") % {
            "case": p.get("case"),
            "role": _role(p.get("as")),
        }
    if notification.kind == Kind.ASSIGNMENT_ENDED:
        return _("Your assignment to case %(case)s has ended.") % {"case": p.get("case")}
    if notification.kind == Kind.CASE_WAITING_FOR_MENTOR:
        return _("Case %(case)s has waited %(days)s days for a mentor.") % {
            "case": p.get("case"),
            "days": p.get("days"),
        }
    if notification.kind == Kind.REFERRAL_RECEIVED:
        return _("Referral %(referral)s has been received and waits for triage.") % {"referral": p.get("referral")}
    if notification.kind == Kind.REFERRAL_ACUTE:
        return _("Referral %(referral)s is marked as acute danger. Triage it now.") % {"referral": p.get("referral")}
    if notification.kind == Kind.REFERRAL_UNTRIAGED:
        return _("Referral %(referral)s has waited %(days)s days for triage.") % {
            "referral": p.get("referral"),
            "days": p.get("days"),
        }
    if notification.kind == Kind.REFERRAL_DECIDED:
        from cases.models import Referral

        status = Referral.Status(p["status"]).label if p.get("status") in Referral.Status.values else p.get("status")
        return _("Your referral %(referral)s has been decided: %(status)s.") % {
            "referral": p.get("referral"),
            "status": status,
        }
    if notification.kind == Kind.CONSENT_EXPIRING:
        return _("A consent in case %(case)s expires on %(date)s.") % {"case": p.get("case"), "date": p.get("date")}
    if notification.kind == Kind.QUALIFICATION_EXPIRING:
        from mentors.models import Qualification

        what = Qualification.Kind(p["what"]).label if p.get("what") in Qualification.Kind.values else p.get("what")
        return _("%(what)s for mentor %(mentor)s expires on %(date)s.") % {
            "what": what,
            "mentor": p.get("mentor"),
            "date": p.get("date"),
        }
    if notification.kind in (Kind.CONCERN_SIGNAL, Kind.CONCERN_ESCALATED, Kind.CONCERN_ACKNOWLEDGED):
        return _concern_text(notification.kind, p)
    if notification.kind == Kind.CASE_WITHOUT_SESSION:
        return _("No session has been logged in case %(case)s for %(weeks)s weeks.") % {
            "case": p.get("case"),
            "weeks": p.get("weeks"),
        }
    if notification.kind == Kind.DISCLOSURE_RECORDED:
        return _("A disclosure from case %(case)s was recorded in the register of disclosures.") % {
            "case": p.get("case")
        }
    if notification.kind == Kind.EMERGENCY_ACCESS:
        return _("Emergency access to case %(case)s was opened by %(user)s. Review it.") % {
            "case": p.get("case"),
            "user": p.get("user"),
        }
    if notification.kind == Kind.RETENTION_DUE:
        return _("%(count)s closed cases are past the retention period. Review the list before they are erased.") % {
            "count": p.get("count")
        }
    if notification.kind == Kind.SECOND_FACTOR_RESET:
        return _(
            "An administrator reset your second factor. You set up your authenticator app again at your next login."
        )
    if notification.kind == Kind.ROLE_GRANT_REQUESTED:
        return _("User %(user)s has been asked the role «%(role)s». Approve or refuse it.") % {
            "user": p.get("user"),
            "role": _role_name(p.get("role")),
        }
    if notification.kind == Kind.ROLE_GRANT_DECIDED:
        text = (
            _("The role «%(role)s» for user %(user)s was approved.")
            if p.get("decision") == "approved"
            else _("The role «%(role)s» for user %(user)s was refused.")
        )
        return text % {"user": p.get("user"), "role": _role_name(p.get("role"))}
    if notification.kind == Kind.ROLE_GRANTED:
        return _("User %(user)s was granted the role «%(role)s», asked by %(asked)s and approved by %(approved)s.") % {
            "user": p.get("user"),
            "role": _role_name(p.get("role")),
            "asked": p.get("asked_by"),
            "approved": p.get("approved_by"),
        }
    if notification.kind == Kind.SECOND_FACTOR_RESET_BY_ADMIN:
        return _("Administrator %(actor)s reset the second factor of user %(user)s.") % {
            "actor": p.get("actor"),
            "user": p.get("user"),
        }
    if notification.kind == Kind.PASSWORD_CHANGED:
        return _("Your password was changed. If it was not you, contact the programme's administrator at once.")
    return str(notification.get_kind_display())


def _role(code):
    return {"mentor": _("mentor"), "coordinator": _("coordinator")}.get(code, code or "")


def _concern_text(kind, p) -> str:
    from mentorsessions.models import ConcernSignal

    level = ConcernSignal.Level(p["level"]).label if p.get("level") in ConcernSignal.Level.values else p.get("level")
    values = {"case": p.get("case"), "level": level, "hours": p.get("hours")}
    if kind == Kind.CONCERN_SIGNAL:
        return _("Concern signal in case %(case)s: %(level)s. Read it and acknowledge it.") % values
    if kind == Kind.CONCERN_ESCALATED:
        return _("A concern signal in case %(case)s (%(level)s) has been unanswered for %(hours)s hours.") % values
    return _("The coordinator has acknowledged your concern signal in case %(case)s.") % values


def _role_name(slug) -> str:
    from mentorprogram.roles import ROLES_BY_SLUG

    role = ROLES_BY_SLUG.get(slug)
    return str(role.name) if role else str(slug)

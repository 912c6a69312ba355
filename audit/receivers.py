"""Security events from Django's and django-axes' signals."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEvent
from audit.services import audit_event_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender, request, user, **kwargs):
    # A sign-in through a provider says which, and whose second factor counted (mentorprogram.accounts.views_oidc).
    data = getattr(request, "audit_login_data", None)
    audit_event_record(action=AuditEvent.Action.LOGIN, actor=user, subject_user=user, request=request, data=data)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_event_record(action=AuditEvent.Action.LOGOUT, actor=user, subject_user=user, request=request)


def _user_named(username):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # The username only if it exists: a mistyped name is not kept.
    audit_event_record(
        action=AuditEvent.Action.LOGIN_FAILED, subject_user=_user_named(credentials.get("username")), request=request
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def record_locked_out(sender, request, username, ip_address, **kwargs):
    audit_event_record(action=AuditEvent.Action.LOCKED_OUT, subject_user=_user_named(username), request=request)

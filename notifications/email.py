"""The email that goes with a notification: what happened and a link; never names."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.texts import notification_text


def notification_email_send(*, notification) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Mentor programme: %(what)s") % {"what": notification.get_kind_display()}
        lines = [notification_text(notification), ""]
        if notification.url:
            lines.append(settings.SITE_URL.rstrip("/") + notification.url)
            lines.append("")
        lines.append(_("You get this email because you chose it in your notification settings."))
        send_mail(subject, "\n".join(lines), None, [notification.recipient.email])

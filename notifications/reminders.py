"""The daily reminders: each rule finds what someone must be told, the schedule sends it once.

The rules belong to the apps whose data they read (``cases/reminders.py``,
``mentors/reminders.py``, ``mentorsessions/reminders.py``, ...), which
register them here in their ``AppConfig.ready()``; this runner imports none.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import ScheduleRun
from notifications.services import notification_send

DAILY = "daily_reminders"


@dataclass(frozen=True)
class Reminder:
    recipient: object
    kind: str
    params: dict
    url: str
    dedup_key: str


_rules: list = []


def reminder_rule_register(rule) -> None:
    """Add a daily rule: ``rule(*, today) -> Iterator[Reminder]``. Each app registers its own in ``ready()``."""
    if rule not in _rules:
        _rules.append(rule)


def reminder_rules() -> list:
    return list(_rules)


def reminders_run(*, today: datetime.date | None = None) -> int:
    """Run every rule once for ``today`` (Europe/Oslo). Returns how many notifications were sent.

    The ScheduleRun row makes a second run the same day a no-op; the dedup keys
    make it harmless even if two runs race.
    """
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            run = ScheduleRun.objects.create(name=DAILY, day=today)
    except IntegrityError:
        return 0
    sent = 0
    with transaction.atomic():
        for rule in reminder_rules():
            for reminder in rule(today=today):
                notification_send(
                    recipient=reminder.recipient,
                    kind=reminder.kind,
                    params=reminder.params,
                    url=reminder.url,
                    dedup_key=reminder.dedup_key,
                )
                sent += 1
        # audit: schedule bookkeeping, no personal data
        ScheduleRun.objects.filter(pk=run.pk).update(notifications=sent)
    return sent

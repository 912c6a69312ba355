"""Steering reports: anonymous counts for a period, built in the background, never changed once published.

A report keeps its published tables (JSON, what the PDF and the CSV show) and
its PDF. Its cells (``ReportCell``) keep what each count sums and its true
value, so that the next report can be checked against everything published
before (``steeringgroup.suppression``); they are never shown to anyone.
Migration 0002 makes a published report and every cell unchangeable.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorprogram.choices import ChoiceLabels


class SteeringReport(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be built")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready to publish")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    municipality = models.CharField(_("municipality"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    progress_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.TextField(_("why it failed"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The published tables: display values only («<5», «:»), never a true small count.
    figures = models.JSONField(default=dict, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    # The reports published when this one was built: it is checked against exactly these.
    checked_against = ArrayField(models.BigIntegerField(), default=list, blank=True)
    hidden_for_earlier_reports = models.BooleanField(default=False)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("steering report")
        verbose_name_plural = _("steering reports")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_period_in_order"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False, pdf__isnull=False),
                name="report_published_has_pdf",
            ),
        ]
        permissions = [
            ("generate_steering_reports", "Can build and publish steering reports"),
            ("read_steering_reports", "Can read published steering reports"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)


class ReportCell(models.Model):
    """One count of a report: which table it sits in, the atoms it sums, its true value and how it is published."""

    report = models.ForeignKey(SteeringReport, on_delete=models.PROTECT, related_name="cells")
    population = models.CharField(max_length=30)
    table = models.CharField(max_length=40)
    row = models.CharField(max_length=40)
    col = models.CharField(max_length=40)
    filters = models.JSONField(default=dict)
    times = ArrayField(models.CharField(max_length=12))
    value = models.IntegerField()
    status = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("report cell")
        verbose_name_plural = _("report cells")
        indexes = [models.Index(fields=["population", "report"], name="reportcell_population_idx")]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

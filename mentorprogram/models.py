from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in: referrer, coordinator, mentor, steering group member, ...

    Users are deactivated, never deleted, so the audit trail that names them
    stays whole. Roles are Django groups (see ``mentorprogram.roles``).
    """

    email = models.EmailField(_("email address"), blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("reset_second_factor", "Can reset a user's second factor")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_case_insensitive",
            ),
            # A superuser passes every permission check: there are none, anywhere.
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="user_is_never_superuser"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

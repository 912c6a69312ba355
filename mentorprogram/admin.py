"""The admin site: users and roles only, never case content, and never a password or a role alone.

Reached only by a verified administrator (``AccessPolicyMiddleware``); its own
login page sends everyone to the two-factor login. No model with personal
data is registered here (a test checks).

An administrator manages accounts, not people's data:
- no password is ever set here: a new account gets an email with a link to
  choose one, and «Send a link to set a password» sends another;
- a role that reaches personal data is never given here: ticking it asks
  for it, and the privacy officer or another administrator decides
  (``accounts:role_requests``); taking a role away needs nobody else.
"""

from auditlog import get_logentry_model
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import audit_event_record
from mentorprogram.accounts.services import (
    IDENTITY_TAKEN,
    contact_change_record,
    password_link_queue,
    provider_identity_link,
    provider_identity_taken,
    provider_identity_unlink,
    role_grant_request,
    role_needs_second_person,
    second_factor_enrolled,
    second_factor_reset,
)
from mentorprogram.models import ProviderIdentity, User
from mentorprogram.roles import ROLES_BY_SLUG, role_slugs_for


@admin.action(description=_("Send a link to set a password"), permissions=["change"])
def send_password_link(modeladmin, request, queryset):
    sent = 0
    for user in queryset.filter(is_active=True).exclude(email=""):
        password_link_queue(user=user, reason="reset", actor=request.user, request=request)
        sent += 1
    messages.success(request, _("A link to set a password is on its way to %(count)d users.") % {"count": sent})


class AccountCreateForm(forms.ModelForm):
    """A new account: who it is. The password is chosen by the user, from a link sent by email."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The user gets a link here to choose their own password.")


@admin.action(
    description=_("Reset second factor (the user enrols again at next login)"), permissions=["reset_second_factor"]
)
def reset_second_factor(modeladmin, request, queryset):
    for user in queryset:
        second_factor_reset(actor=request.user, user=user, request=request)
    messages.success(request, _("Second factor reset for %(count)d users.") % {"count": queryset.count()})


def role_label(group: Group) -> str:
    """A role by its name («SLT-koordinator»), never by the group's internal slug."""
    role = ROLES_BY_SLUG.get(group.name)
    return str(role.name) if role else group.name


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(slug, role.name) for slug, role in ROLES_BY_SLUG.items()]

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() in ROLES_BY_SLUG else queryset


class ProviderIdentityForm(forms.ModelForm):
    """A new link: which provider, and the identity code (subject) the person saw on the refusal page."""

    provider = forms.ChoiceField(label=_("Identity provider"), choices=())

    class Meta:
        model = ProviderIdentity
        fields = ("provider", "subject")
        help_texts = {"subject": _("The identity code shown to the person when the sign-in found no account.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(slug, c["label"]) for slug, c in settings.OIDC_PROVIDERS.items()]

    def clean(self):
        cleaned = super().clean()
        config = settings.OIDC_PROVIDERS.get(cleaned.get("provider"))
        subject = (cleaned.get("subject") or "").strip()
        if config and subject and provider_identity_taken(issuer=config["issuer"], subject=subject):
            self.add_error("subject", IDENTITY_TAKEN)
        return cleaned


class ProviderIdentityInline(admin.TabularInline):
    """Sign-in through the municipality's identity provider: linked here, by the provider's subject, never by
    e-mail. Links are added or removed, never changed; each is an audit event and the privacy officer is told."""

    model = ProviderIdentity
    fk_name = "user"
    form = ProviderIdentityForm
    extra = 0
    fields = ("provider", "subject", "linked_by", "linked_at", "last_used_at")
    readonly_fields = ("linked_by", "linked_at", "last_used_at")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("mentorprogram.change_user")

    def has_add_permission(self, request, obj=None):
        return bool(settings.OIDC_PROVIDERS) and request.user.has_perm("mentorprogram.change_user")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("mentorprogram.change_user")


class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role_names", "two_factor", "is_active")
    list_filter = ("is_active", RoleFilter)
    filter_horizontal = ()
    actions = [reset_second_factor, send_password_link]
    add_form = AccountCreateForm
    add_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email")}),)
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Roles"), {"fields": ("is_active", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description=_("Roles"))
    def role_names(self, obj):
        return ", ".join(str(ROLES_BY_SLUG[slug].name) for slug in role_slugs_for(obj))

    @admin.display(description=_("Two-factor"), boolean=True)
    def two_factor(self, obj):
        return second_factor_enrolled(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            # Nobody grants themselves a role: their own roles are shown by name, not offered.
            return (*fields, "role_names", "is_active")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.pk != request.user.pk:
            return fieldsets
        return [
            (name, {**options, "fields": tuple("role_names" if f == "groups" else f for f in options["fields"])})
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES_BY_SLUG).order_by("name")
            kwargs["widget"] = forms.CheckboxSelectMultiple
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label, field.help_text = _("Roles"), ""
            field.label_from_instance = role_label
        return field

    def has_delete_permission(self, request, obj=None):
        return False  # users are deactivated, never deleted: the audit trail names them

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("mentorprogram.reset_second_factor")

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied  # nobody sets another person's password: send a link instead

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change:
            password_link_queue(user=obj, reason="welcome", actor=request.user, request=request)
        elif "email" in form.changed_data and any(role_needs_second_person(s) for s in role_slugs_for(obj)):
            contact_change_record(actor=request.user, user=obj, request=request)

    def get_inlines(self, request, obj):
        # Links to an existing account, where a provider is configured (or a link is left from one).
        if obj is not None and (settings.OIDC_PROVIDERS or ProviderIdentity.objects.filter(user=obj).exists()):
            return [ProviderIdentityInline]
        return []

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProviderIdentity:
            return super().save_formset(request, form, formset, change)
        new = formset.save(commit=False)  # links are never changed: only new ones and removed ones
        for identity in formset.deleted_objects:
            provider_identity_unlink(actor=request.user, identity=identity, request=request)
        for identity in new:
            provider_identity_link(
                actor=request.user,
                user=form.instance,
                provider=identity.provider,
                subject=identity.subject,
                request=request,
            )
        return None

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        wanted = (
            {group.name for group in form.cleaned_data.get("groups", [])} if "groups" in form.cleaned_data else before
        )
        # A role that reaches personal data is asked for, never given here; one already held stays until unticked.
        asked = {slug for slug in wanted - before if role_needs_second_person(slug)}
        if "groups" in form.cleaned_data:
            form.cleaned_data["groups"] = form.cleaned_data["groups"].exclude(name__in=asked)
        super().save_related(request, form, formsets, change)
        after = set(form.instance.groups.values_list("name", flat=True))
        if before != after:
            audit_event_record(
                action=AuditEvent.Action.ROLES_CHANGED,
                actor=request.user,
                subject_user=form.instance,
                request=request,
                data={"added": sorted(after - before), "removed": sorted(before - after)},
            )
        for slug in sorted(asked):
            role_grant_request(actor=request.user, user=form.instance, role=slug, request=request)
            messages.info(
                request,
                _(
                    "The role «%(role)s» is not given by one administrator: it is asked for, and the privacy "
                    "officer or another administrator approves it."
                )
                % {"role": ROLES_BY_SLUG[slug].name},
            )


class GroupAdmin(admin.ModelAdmin):
    """Roles are defined in code (mentorprogram.roles); the admin only shows them, by their names."""

    list_display = ("role", "description")

    @admin.display(description=_("Role"))
    def role(self, obj):
        return role_label(obj)

    @admin.display(description=_("What the role does"))
    def description(self, obj):
        role = ROLES_BY_SLUG.get(obj.name)
        return role.description if role else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(User, UserAdmin)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)

# Third-party admin pages that would show secrets or the trail: not here.
# (The trail is the privacy officer's, in audit/; authenticator keys are no one's.)
for _model in (get_logentry_model(), TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

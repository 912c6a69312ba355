"""Login with two factors, enrolment, backup codes and passwords."""

import base64
import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from audit.models import AuditEvent
from audit.services import audit_event_record
from mentorprogram.access import public, requires_permission, requires_role, unverified_allowed, verified_only
from mentorprogram.accounts import services, tokens
from mentorprogram.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    RoleDecisionForm,
    StyledPasswordChangeForm,
    StyledPasswordResetForm,
    StyledSetPasswordForm,
    TokenForm,
)
from mentorprogram.accounts.oidc import SESSION_PROVIDER, providers_offered
from mentorprogram.forms import apply_validation_error
from mentorprogram.models import ApiToken, RoleGrantRequest, User
from mentorprogram.roles import roles_for

SESSION_BACKUP_CODES = "mentorprogram_backup_codes"


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@public
@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(safe_next(request, reverse("home")))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        if form.device is None:
            # No second factor yet: only enrolment is reachable until it is done.
            return redirect(
                f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': safe_next(request, reverse('home'))})}"
            )
        if second_factor_shown(request, form.device):
            remaining = form.device.token_set.count()
            messages.warning(
                request, _("You logged in with a backup code. %(count)d backup codes are left.") % {"count": remaining}
            )
        return redirect(safe_next(request, reverse("home")))
    context = {"form": form, "next": safe_next(request, ""), "providers": providers_offered()}
    return render(request, "registration/login.html", context)


def second_factor_shown(request, device) -> bool:
    """The session is verified by ``device``; a backup code is an audit event. True when it was a backup code."""
    otp_login(request, device)
    if not isinstance(device, StaticDevice):
        return False
    audit_event_record(
        action=AuditEvent.Action.BACKUP_CODE_USED, actor=request.user, subject_user=request.user, request=request
    )
    return True


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (``AXES_LOCKOUT_CALLABLE``): says so, and for how long."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)


def _qr_code_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _grouped_key(device) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@unverified_allowed
@sensitive_post_parameters("token")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    next_url = safe_next(request, reverse("home"))
    if request.user.is_verified():
        return redirect(next_url)
    if services.second_factor_enrolled(request.user):
        if SESSION_PROVIDER in request.session:
            # Signed in by a provider without multi-factor: the code alone, on its own page.
            return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': next_url})}")
        # Enrolled, but this session has not shown a code: log in again with it.
        auth_logout(request)
        return redirect(reverse("login"))
    device = services.totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrolment_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"], request=request
        )
        if codes is not None:
            otp_login(request, device)
            request.session[SESSION_BACKUP_CODES] = codes
            return redirect(f"{reverse('accounts:backup_codes')}?{urlencode({'next': next_url})}")
        form.add_error("token", _("The code did not match. Check the time on your phone and try the newest code."))
    context = {
        "form": form,
        "qr_code": _qr_code_data_uri(device.config_url),
        "manual_key": _grouped_key(device),
        "next": next_url,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@verified_only
@require_http_methods(["GET"])
def overview(request):
    """My account: roles, second factor and the links to change what is one's own."""
    remaining = StaticDevice.objects.filter(user=request.user).values_list("token_set__token", flat=True)
    return render(
        request,
        "accounts/overview.html",
        {"roles": roles_for(request.user), "remaining": len([t for t in remaining if t])},
    )


@verified_only
@never_cache
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """Shows new backup codes once; POST makes a new set and voids the old one."""
    if request.method == "POST":
        codes = services.backup_codes_create(user=request.user, request=request)
    else:
        codes = request.session.pop(SESSION_BACKUP_CODES, None)
    return render(
        request,
        "accounts/backup_codes.html",
        {
            "codes": codes,
            "remaining": services.backup_codes_remaining(request.user),
            "next": safe_next(request, reverse("home")),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StyledPasswordChangeForm
    template_name = "accounts/password_change.html"

    def form_valid(self, form):
        form.save()
        audit_event_record(
            action=AuditEvent.Action.PASSWORD_CHANGED,
            actor=self.request.user,
            subject_user=self.request.user,
            request=self.request,
        )
        # Every session ends with a password change, this one included.
        auth_logout(self.request)
        messages.success(self.request, _("Your password is changed. Log in with the new password."))
        return redirect(reverse("login"))


class PasswordResetView(auth_views.PasswordResetView):
    form_class = StyledPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        """Queue a link for each active account with this address; the worker makes and emails it.

        The page answers the same whether or not an account has the address.
        """
        from django.http import HttpResponseRedirect

        for user in User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True):
            services.password_link_queue(user=user, reason="reset")
        audit_event_record(action=AuditEvent.Action.PASSWORD_RESET_REQUESTED, request=self.request)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = StyledSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed_record(user=form.user, action=AuditEvent.Action.PASSWORD_RESET, request=self.request)
        return response


password_change = verified_only(PasswordChangeView.as_view())
password_reset = public(PasswordResetView.as_view())
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(PasswordResetConfirmView.as_view())
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


# --- Roles that reach personal data: the second person's page --------------------------------


@requires_permission("mentorprogram.decide_role_grant", personal_data=False)
@require_GET
def role_requests(request):
    """Roles asked for by an administrator, waiting for a second person; the latest decisions below."""
    return _role_requests_page(request)


def _role_requests_page(request, *, forms=None, status=200):
    forms = forms or {}
    pending = list(RoleGrantRequest.objects.filter(decided_at__isnull=True).select_related("user", "requested_by"))
    for grant in pending:
        grant.may_decide = services.may_decide_role_grant(request.user, grant)
        grant.form = forms.get(grant.pk) or RoleDecisionForm(auto_id=f"r{grant.pk}-%s")
    decided = RoleGrantRequest.objects.filter(decided_at__isnull=False).select_related(
        "user", "requested_by", "decided_by"
    )[:20]
    return render(request, "accounts/role_requests.html", {"pending": pending, "decided": decided}, status=status)


@requires_permission("mentorprogram.decide_role_grant", personal_data=False)
@require_POST
def role_request_decide(request, pk):
    grant = get_object_or_404(RoleGrantRequest, pk=pk)
    form = RoleDecisionForm(request.POST, auto_id=f"r{grant.pk}-%s")
    if form.is_valid():
        try:
            services.role_grant_decide(
                actor=request.user,
                grant=grant,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("accounts:role_requests")
    return _role_requests_page(request, forms={grant.pk: form}, status=400)


@requires_role()
@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's own API tokens: made here after the two-factor login, the secret shown once, never again."""
    form, created, secret = ApiTokenForm(request.POST or None), None, None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = tokens.api_token_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            form = ApiTokenForm()
    context = {"form": form, "tokens": tokens.api_tokens_of(request.user), "created": created, "secret": secret}
    return render(request, "accounts/api_tokens.html", context, status=400 if form.errors else 200)


@requires_role()
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.api_token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, _("The token «%(name)s» is revoked and works no more.") % {"name": token.name})
    return redirect("accounts:api_tokens")

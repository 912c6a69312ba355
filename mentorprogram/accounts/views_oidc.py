"""Sign-in with the municipality's identity provider, the local second factor after it, and logout at both ends.

The rules are in ``mentorprogram.accounts.oidc``; these views only start, finish and answer in words.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp import match_token

from mentorprogram.access import public, unverified_allowed
from mentorprogram.accounts import oidc, services
from mentorprogram.accounts.forms import TokenForm
from mentorprogram.accounts.views import safe_next, second_factor_shown
from mentorprogram.models import ProviderIdentity


def _provider_or_404(slug: str) -> dict:
    config = oidc.providers().get(slug)
    if config is None:
        raise Http404
    return config


def _refused(request, slug: str, reason: str, *, subject: str = ""):
    """The refusal in plain words; 503 when the provider did not answer, 403 otherwise. Nobody is signed in."""
    status = 503 if reason == oidc.UNREACHABLE else 403
    context = {
        "provider": oidc.providers()[slug]["label"],
        "reason": reason,
        "subject": subject,
        "municipality": settings.MUNICIPALITY_NAME,
    }
    return render(request, "accounts/sign_in_refused.html", context, status=status)


@public
@never_cache
@require_GET
def oidc_start(request, provider):
    """To the provider's login; back at ``oidc_callback``.

    A link, not a form: the policy ``form-action 'self'`` would stop a form's redirect to another site.
    """
    _provider_or_404(provider)
    request.session[oidc.SESSION_NEXT] = safe_next(request, reverse("home"))
    try:
        return oidc.sign_in_start(request, provider)
    except oidc.SignInRefused as refused:
        oidc.refusal_record(request, provider, refused.reason)
        return _refused(request, provider, refused.reason)


@public
@never_cache
@require_GET
def oidc_callback(request, provider):
    """The provider's answer: checked in full before anyone is signed in."""
    _provider_or_404(provider)
    try:
        sign_in = oidc.sign_in_finish(request, provider)
    except oidc.UnknownIdentity as unknown:
        oidc.unknown_identity_record(request, provider, unknown)
        return _refused(request, provider, "unknown", subject=unknown.subject)
    except oidc.SignInRefused as refused:
        oidc.refusal_record(request, provider, refused.reason)
        return _refused(request, provider, refused.reason)
    next_url = request.session.pop(oidc.SESSION_NEXT, None) or reverse("home")
    user = sign_in.identity.user
    request.audit_login_data = {"provider": provider, "second_factor": "provider" if sign_in.mfa else "local"}
    auth_login(request, user, backend="mentorprogram.auth_backends.RolesAndPermissionsBackend")
    request.session[oidc.SESSION_PROVIDER] = provider
    request.session[oidc.SESSION_ID_TOKEN] = sign_in.id_token
    if sign_in.mfa:
        otp_login(request, sign_in.identity)
        return redirect(next_url)
    return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': next_url})}")


@unverified_allowed
@sensitive_post_parameters("token")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """After a provider's sign-in without multi-factor: the code from the app (or a backup code), nothing else.

    Only for a session the provider signed in: the local login asks password and code in one step, so that it
    never tells which of them was wrong.
    """
    next_url = safe_next(request, reverse("home"))
    if request.user.is_verified():
        return redirect(next_url)
    if oidc.SESSION_PROVIDER not in request.session or not services.second_factor_enrolled(request.user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': next_url})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None and not isinstance(device, ProviderIdentity):
            second_factor_shown(request, device)
            return redirect(next_url)
        user_login_failed.send(sender=__name__, credentials={"username": request.user.username}, request=request)
        form.add_error("token", _("The code did not match. Check the time on your phone and try the newest code."))
    context = {"form": form, "next": next_url, "provider": oidc.providers().get(request.session[oidc.SESSION_PROVIDER])}
    return render(request, "accounts/two_factor_verify.html", context, status=400 if form.errors else 200)


class LogoutView(auth_views.LogoutView):
    """Ends the local session and, for a provider's sign-in, the provider's too (RP-initiated logout)."""

    def post(self, request, *args, **kwargs):
        provider = request.session.get(oidc.SESSION_PROVIDER)
        id_token = request.session.get(oidc.SESSION_ID_TOKEN)
        response = super().post(request, *args, **kwargs)
        if provider and id_token:
            url = oidc.logout_url(provider, id_token)
            if url:
                # A page that goes on at once, not a redirect: ``form-action 'self'`` stops a form's redirect to
                # another site (the logout button is a form).
                label = oidc.providers()[provider]["label"]
                return render(request, "accounts/logged_out_provider.html", {"url": url, "provider": label})
            messages.info(
                request, _("You are logged out here. Log out at the identity provider too if you share the device.")
            )
        return response


logout = unverified_allowed(LogoutView.as_view())

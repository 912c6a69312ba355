"""The roles module is the single statement of who may do what."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.registry import personal_data_models
from mentorprogram import roles
from mentorprogram.models import User

pytestmark = pytest.mark.django_db


def test_there_are_seven_roles_each_a_group():
    assert [r.slug for r in roles.ROLES] == [
        "referrer",
        "slt_coordinator",
        "coordinator",
        "mentor",
        "steering_group",
        "privacy_officer",
        "admin",
    ]
    assert set(Group.objects.values_list("name", flat=True)) >= {r.slug for r in roles.ROLES}


def test_every_permission_a_role_names_exists_and_the_group_has_exactly_those():
    for role in roles.ROLES:
        for label in role.permissions:
            app_label, codename = label.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), label
        held = {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role.slug).permissions.all()}
        assert held == set(role.permissions), role.slug


# The one model-wide read DESIGN.md gives: the privacy officer reads every case's disclosures.
DELIBERATE_MODEL_WIDE_READS = {(roles.PRIVACY_OFFICER, "disclosures.view_disclosure")}


def test_no_role_has_a_model_wide_view_of_personal_data():
    personal = {label.lower() for label in personal_data_models()}
    for role in roles.ROLES:
        for label in role.permissions:
            app_label, codename = label.split(".")
            if codename.startswith("view_") and (role.slug, label) not in DELIBERATE_MODEL_WIDE_READS:
                assert f"{app_label}.{codename[5:]}" not in personal, (role.slug, label)


def test_admin_and_steering_group_never_reach_personal_data(make_user):
    assert not roles.may_reach_personal_data(make_user(roles.ADMIN, roles.COORDINATOR))
    assert not roles.may_reach_personal_data(make_user(roles.STEERING_GROUP, roles.MENTOR))
    assert roles.may_reach_personal_data(make_user(roles.MENTOR))
    assert not roles.may_reach_personal_data(make_user())  # no role, no data


def test_the_admin_site_shows_no_model_with_personal_data():
    personal = personal_data_models()
    shown = {model._meta.label for model in admin.site._registry}
    assert shown & personal == set()
    assert shown == {"mentorprogram.User", "auth.Group", "notifications.OutboxItem"}


def test_the_navigation_shows_each_role_only_what_it_may_use(make_user):
    assert [i.url_name for i in roles.navigation_for(make_user(roles.PRIVACY_OFFICER))] == [
        "audit:events",
        "audit:access",
        "disclosures:register",
        "audit:emergency",
        "audit:subject_access",
        "audit:retention",
        "accounts:role_requests",
    ]
    assert [i.url_name for i in roles.navigation_for(make_user(roles.MENTOR))] == [
        "mentorsessions:home",
        "mentors:me",
    ]
    assert [i.url_name for i in roles.navigation_for(make_user(roles.STEERING_GROUP))] == ["steering:list"]
    assert [i.url_name for i in roles.navigation_for(make_user(roles.REFERRER))] == [
        "cases:referral_create",
        "cases:referral_mine",
    ]
    assert [i.url_name for i in roles.navigation_for(make_user(roles.SLT_COORDINATOR))] == [
        "cases:triage",
        "cases:list",
        "plans:list",
        "mentorsessions:overview",
        "mentors:pool",
        "steering:list",
    ]


def test_seed_demo_creates_one_user_per_role_with_two_factors_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    for role in roles.ROLES:
        users = User.objects.filter(groups__name=role.slug)
        assert users.exists(), role.slug
        for user in users:
            assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert not User.objects.filter(is_superuser=True).exists()
    from cases.models import Referral

    assert Referral.objects.filter(status="received").count() == 3  # a queue to triage, once
    from disclosures.models import Disclosure

    assert Disclosure.objects.count() == 1  # a register for the privacy officer, once


def test_verify_audit_passes_on_the_demo_data(settings, monkeypatch):
    from audit import chain

    settings.DEBUG = True
    monkeypatch.setattr(chain, "SEAL_DELAY_SECONDS", -5)
    call_command("seed_demo", verbosity=0)
    out = io.StringIO()
    call_command("verify_audit", "--seal", stdout=out)
    assert "The audit chain is unbroken" in out.getvalue()


def test_seed_demo_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_the_database_refuses_a_superuser(make_user):
    from django.db import IntegrityError, transaction

    user = make_user()
    user.is_superuser = True
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_create_admin_makes_an_administrator_who_must_enrol(monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Et-langt-admin-passord-9\n"))
    call_command("create_admin", "driftsansvarlig", "--email", "drift@kommune.invalid", "--password-stdin")
    user = User.objects.get(username="driftsansvarlig")
    assert user.is_staff and not user.is_superuser
    assert roles.role_slugs_for(user) == [roles.ADMIN]
    assert user.check_password("Et-langt-admin-passord-9")
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_seed_demo_gives_a_pool_to_match_from(settings):
    from mentors.models import Mentor

    settings.DEBUG = True
    call_command("seed_demo")
    assert Mentor.objects.count() == 5
    assert Mentor.objects.filter(qualifications__isnull=True).count() == 1

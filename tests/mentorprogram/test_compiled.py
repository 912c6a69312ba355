"""Reads compiled to SQL once (mentorprogram.compiled) answer exactly what the ORM answers, one query each."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mentorprogram.auth_backends import USER_BY_ID, RolesAndPermissionsBackend, device_from_persistent_id
from mentorprogram.compiled import CompiledQuery
from mentorprogram.models import User
from mentorprogram.roles import ROLES_AND_PERMISSIONS, roles_and_permissions_load
from mentorprogram.session_store import SessionStore
from notifications.models import Notification
from notifications.selectors import unread_count_for_user
from notifications.services import notification_mark_read
from tests.mentorprogram.factories import UserFactory

pytestmark = pytest.mark.django_db


def _orm_roles_and_permissions(user):
    roles = set(user.groups.values_list("name", flat=True))
    own = {f"{p.content_type.app_label}.{p.codename}" for p in user.user_permissions.select_related("content_type")}
    grouped = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(group__user=user).select_related("content_type")
    }
    return roles, own | grouped


def test_roles_and_permissions_are_the_orms_for_each_user_and_one_query():
    coordinator = UserFactory(roles=["coordinator", "mentor"])
    coordinator.user_permissions.add(Permission.objects.get(content_type__app_label="admin", codename="view_logentry"))
    nobody = UserFactory()
    for user in (coordinator, nobody):
        user = User.objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            roles_and_permissions_load(user)
        assert len(queries) == 1
        roles, granted = _orm_roles_and_permissions(user)
        assert set(user._role_slugs) == roles
        assert user._perm_cache == granted
    # Another user's rows never: the value bound is the one asked for.
    assert {row[1] for row in ROLES_AND_PERMISSIONS.rows(user_id=nobody.pk)} == set()


def test_the_user_is_read_as_the_orm_reads_it_and_an_inactive_one_is_not_signed_in():
    user = UserFactory(last_login=timezone.now() - datetime.timedelta(days=2))
    read = RolesAndPermissionsBackend().get_user(user.pk)
    orm = User.objects.get(pk=user.pk)
    assert read is not None and read._state.adding is False and read._state.db == "default"
    assert [getattr(read, f.attname) for f in User._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in User._meta.concrete_fields
    ]
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert RolesAndPermissionsBackend().get_user(user.pk) is None
    assert RolesAndPermissionsBackend().get_user(user.pk + 10_000) is None
    assert USER_BY_ID.instances(user_id=user.pk + 10_000) == []


def test_the_signed_in_user_comes_with_their_roles_and_permissions_in_one_query():
    coordinator = UserFactory(roles=["coordinator", "mentor"])
    coordinator.user_permissions.add(Permission.objects.get(content_type__app_label="admin", codename="view_logentry"))
    nobody = UserFactory()
    for user in (coordinator, nobody):
        with CaptureQueriesContext(connection) as queries:
            read = RolesAndPermissionsBackend().get_user(user.pk)
            assert read.has_perm("admin.view_logentry") is (user == coordinator)
        assert len(queries) == 1
        roles, granted = _orm_roles_and_permissions(user)
        assert set(read._role_slugs) == roles
        assert read._perm_cache == granted
        assert not hasattr(read, "read_roles") and not hasattr(read, "read_permissions")


def test_a_session_is_read_while_it_lives_and_not_after():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    assert SessionStore(store.session_key).load() == {"answer": 42}
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - datetime.timedelta(1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new one is made on save, as Django's store does
    assert SessionStore("no-such-session-key").load() == {}


def test_the_device_a_session_names_is_read_for_each_kind_and_nothing_else():
    user = UserFactory()
    totp = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    assert device_from_persistent_id(totp.persistent_id) == totp
    assert device_from_persistent_id(backup.persistent_id) == backup
    assert device_from_persistent_id(totp.persistent_id).key == totp.key
    for nonsense in (
        "otp_totp.totpdevice/999999",
        "mentorprogram.user/1",
        "no.such/1",
        "garbage",
        "otp_totp.totpdevice/x",
    ):
        assert device_from_persistent_id(nonsense) is None, nonsense


def test_a_signed_in_page_still_knows_the_verified_device(client):
    user = UserFactory(roles=["mentor"], otp=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    assert client.get("/sessions/").status_code == 200
    TOTPDevice.objects.filter(user=user).update(confirmed=False)  # unconfirmed: not verified any more
    assert client.get("/sessions/").status_code == 302


def test_unread_count_follows_the_notifications():
    user, other = UserFactory(), UserFactory()
    assert unread_count_for_user(user=user) == 0
    for i, recipient in enumerate((user, user, user, other)):
        Notification.objects.create(
            recipient=recipient, kind=Notification.Kind.ASSIGNED_TO_CASE, params={"case": i}, dedup_key=f"k{i}"
        )
    notification_mark_read(user=user, ids=[Notification.objects.filter(recipient=user).order_by("pk").first().pk])
    assert unread_count_for_user(user=user) == 2
    assert unread_count_for_user(user=other) == 1


def test_a_value_the_query_does_not_use_is_refused_and_values_must_be_named():
    unused = CompiledQuery(lambda user_id: User.objects.filter(is_active=True), user_id=int)
    with pytest.raises(ValueError, match="user_id"):
        unused.rows(user_id=1)
    with pytest.raises(TypeError):
        USER_BY_ID.rows(pk=1)

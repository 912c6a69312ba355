"""The one path by which object rights (django-guardian) are granted and taken back.

Rights follow assignments: a case's mentor and coordinator assignments, a
plan's coordinator periods. The service that starts or ends one computes
what the person should hold and calls ``object_rights_sync``, in the same
transaction, so the rights change the moment the assignment commits.
"""

from guardian.shortcuts import assign_perm, get_perms, remove_perm


def object_rights_sync(*, user, obj, wanted: set[str], managed: set[str]) -> tuple[set[str], set[str]]:
    """Make ``user``'s rights on ``obj`` among ``managed`` exactly ``wanted``: (granted, revoked) codenames."""
    app_label = obj._meta.app_label
    held = set(get_perms(user, obj)) & managed
    granted, revoked = wanted - held, held - wanted
    for perm in granted:
        assign_perm(f"{app_label}.{perm}", user, obj)
    for perm in revoked:
        remove_perm(f"{app_label}.{perm}", user, obj)
    return granted, revoked

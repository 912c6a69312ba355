"""The one way a model with personal data joins the audit trail."""

from auditlog.registry import auditlog

MASK = "***"

# Model label → fields whose values may stand in clear text in the trail.
_registered: dict[str, tuple[str, ...]] = {}
# Labels of the models that hold the participants' personal data (not staff accounts).
_personal: set[str] = set()
# Model label → (lookup to the case, lookup to the participant) for access events.
_subjects: dict[str, tuple[str | None, str | None]] = {}


def mask_value(value) -> str:
    """``AUDITLOG_MASK_CALLABLE``: hide the whole value, not half of it."""
    return MASK


def audit_register(
    model,
    *,
    clear_fields: tuple[str, ...] = (),
    exclude_fields: tuple[str, ...] = (),
    personal_data: bool = True,
    subject: tuple[str | None, str | None] | None = None,
):
    """Register ``model`` with django-auditlog so every change is a trail row.

    Every field's value is masked except ``clear_fields`` (codes such as a
    status or a track: never a name, a date of birth or free text). The trail
    then says *which* fields changed and who changed them, and a deleted
    participant's trail reveals nothing about who they were. ``exclude_fields``
    are not tracked at all (bookkeeping such as a last-login time).
    ``personal_data=False`` marks a model that is audited but holds no
    participant's data (staff accounts): the admin may manage it.

    ``subject`` names the lookups from a row to its case and its participant
    (``None`` where there is none), so that a read of the row is found by
    «who has read this participant». A model with a ``case`` field gets
    ``("case", "case__participant")`` unless it says otherwise.
    """
    concrete = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    unknown = set(clear_fields) - set(concrete)
    if unknown:
        raise ValueError(f"{model._meta.label}: unknown clear fields {sorted(unknown)}")
    auditlog.register(
        model,
        mask_fields=[name for name in concrete if name not in clear_fields],
        exclude_fields=list(exclude_fields),
        serialize_data=False,
    )
    _registered[model._meta.label] = tuple(clear_fields)
    if subject is None and "case" in concrete:
        subject = ("case", "case__participant")
    if subject is not None:
        _subjects[model._meta.label] = subject
    if personal_data:
        _personal.add(model._meta.label)
    return model


def registered_models() -> dict[str, tuple[str, ...]]:
    """Label → clear fields, for the tests that prove every personal model is audited."""
    return dict(_registered)


def personal_data_models() -> set[str]:
    """Labels of the models with participants' personal data: never in the admin, never a role-wide view."""
    return set(_personal)


def subject_lookups(model) -> tuple[str | None, str | None] | None:
    """(case lookup, participant lookup) of a registered model, or None when its rows concern no participant."""
    return _subjects.get(model._meta.label)


# Which of some cases a user holds an assignment on: the app that owns cases registers it.
_held_cases = None


def case_holder_register(func) -> None:
    """``func(user, case_pks) -> iterable of the case ids among them that the user holds now``.

    Registered by the app that owns cases in its ``AppConfig.ready()``, so that
    the trail can flag reads outside an assignment without importing it.
    """
    global _held_cases
    _held_cases = func


def cases_held_by(user, case_pks):
    if _held_cases is None:
        return []
    return _held_cases(user, case_pks)

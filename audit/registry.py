"""The one way a model with personal data joins the audit trail."""

from auditlog.registry import auditlog

MASK = "***"

# Model label → fields whose values may stand in clear text in the trail.
_registered: dict[str, tuple[str, ...]] = {}


def mask_value(value) -> str:
    """``AUDITLOG_MASK_CALLABLE``: hide the whole value, not half of it."""
    return MASK


def audit_register(model, *, clear_fields: tuple[str, ...] = ()):
    """Register ``model`` with django-auditlog so every change is a trail row.

    Every field's value is masked except ``clear_fields`` (codes such as a
    status or a track: never a name, a date of birth or free text). The trail
    then says *which* fields changed and who changed them, and a deleted
    participant's trail reveals nothing about who they were.
    """
    concrete = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    unknown = set(clear_fields) - set(concrete)
    if unknown:
        raise ValueError(f"{model._meta.label}: unknown clear fields {sorted(unknown)}")
    auditlog.register(model, mask_fields=[name for name in concrete if name not in clear_fields], serialize_data=False)
    _registered[model._meta.label] = tuple(clear_fields)
    return model


def registered_models() -> dict[str, tuple[str, ...]]:
    """Label → clear fields, for the tests that prove every personal model is audited."""
    return dict(_registered)

"""What the start page shows each user beside their roles: panels the apps register.

``start_panel_register(fn)`` in an app's ``AppConfig.ready()``;
``fn(user) -> dict | None`` gives ``{"template": ..., **context}`` for a
panel, or None when the user has nothing there. The start page imports no app.
"""

_panels: list = []


def start_panel_register(fn) -> None:
    if fn not in _panels:
        _panels.append(fn)


def start_panels_for(user) -> list[dict]:
    panels = []
    for fn in _panels:
        panel = fn(user)
        if panel:
            panels.append(panel)
    return panels

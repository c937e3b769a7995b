"""The demo staff users: ``admin``, and an investigator, a legal officer and a manager per authority.

The usernames are a stable interface (design.md): ``opc.investigator``,
``bc.legal``, ``qc.manager``… They all share one password, ``settings.DEMO_PASSWORD``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from casework.models import Authority, User

# Username prefix -> authority code.
DEMO_AUTHORITIES: dict[str, str] = {"opc": "OPC", "bc": "OIPC-BC", "ab": "OIPC-AB", "qc": "CAI"}

# Role suffix -> the User flag it sets.
DEMO_ROLES: dict[str, str] = {"investigator": "is_investigator", "legal": "is_legal", "manager": "is_manager"}

# Fictional people, so that pages show names rather than usernames.
DEMO_NAMES: dict[str, tuple[str, str]] = {
    "admin": ("Ada", "Admin"),
    "opc.investigator": ("Olivia", "Ouellet"),
    "opc.legal": ("Omar", "Okafor"),
    "opc.manager": ("Odette", "Olsen"),
    "bc.investigator": ("Bianca", "Bains"),
    "bc.legal": ("Ben", "Bergstrom"),
    "bc.manager": ("Brigitte", "Bowen"),
    "ab.investigator": ("Aaron", "Abbott"),
    "ab.legal": ("Amelia", "Arsenault"),
    "ab.manager": ("Arjun", "Atwal"),
    "qc.investigator": ("Josée", "Quintal"),
    "qc.legal": ("Quentin", "Quirion"),
    "qc.manager": ("Colette", "Quesnel"),
}


def demo_investigator_username(authority_code: str) -> str | None:
    """``opc.investigator`` for ``OPC``; None for an authority without demo users."""
    for prefix, code in DEMO_AUTHORITIES.items():
        if code == authority_code:
            return f"{prefix}.investigator"
    return None


def _ensure_user(username: str, password: str, fields: dict[str, Any]) -> None:
    """Create the user, or bring an existing one in line without touching unchanged columns.

    The password is re-hashed only when it no longer checks: ``set_password`` makes a
    new salt each time, so calling it on every run would change the row.
    """
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **fields)
        user.set_password(password)
        user.full_clean()
        user.save()
        return
    changed = [field for field, value in fields.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, fields[field])
    if not user.check_password(password):
        user.set_password(password)
        changed.append("password")
    if changed:
        user.save(update_fields=[User._meta.get_field(field).name for field in changed])


@transaction.atomic
def load_demo_users(password: str) -> list[tuple[str, str]]:
    """Create or update the demo users; returns ``(username, description)`` pairs in a stable order."""
    first, last = DEMO_NAMES["admin"]
    _ensure_user(
        "admin",
        password,
        {
            "email": "admin@example.org",
            "first_name": first,
            "last_name": last,
            "authority_id": None,
            "is_active": True,
            "is_staff": True,
            "is_superuser": True,
            "is_administrator": True,
            "is_investigator": False,
            "is_legal": False,
            "is_manager": False,
        },
    )
    created: list[tuple[str, str]] = [("admin", "administrator, superuser")]

    authorities = {a.code: a for a in Authority.objects.filter(code__in=DEMO_AUTHORITIES.values())}
    missing = sorted(set(DEMO_AUTHORITIES.values()) - set(authorities))
    if missing:
        raise LookupError(f"load the reference data first: no authority {', '.join(missing)}")
    for prefix, code in DEMO_AUTHORITIES.items():
        for role, flag in DEMO_ROLES.items():
            username = f"{prefix}.{role}"
            first, last = DEMO_NAMES[username]
            fields: dict[str, Any] = {
                "email": f"{username}@example.org",
                "first_name": first,
                "last_name": last,
                "authority_id": authorities[code].pk,
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "is_administrator": False,
            }
            fields.update({other: other == flag for other in DEMO_ROLES.values()})
            _ensure_user(username, password, fields)
            created.append((username, f"{code} {role}"))
    return created

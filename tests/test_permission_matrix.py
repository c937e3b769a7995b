"""The permission matrix: every URL pattern × every role of two authorities × anonymous, in one table.

The URL patterns come from the URL configuration itself (pages, downloads, exports, feeds, the
API, the admin site): a pattern without a row in ``tests/data/permission_matrix.txt`` fails the
test, so a new URL cannot be added without deciding who may use it.

Personas: anonymous, and an investigator, a legal officer, a manager and an administrator of
OIPC-BC and of the CAI. Each authority has its own investigation (its investigator assigned),
with an issued order, a submission, a court proceeding, a ready PDF and an export bundle, and a
confidential investigation of its own to which none of the personas is assigned. Each URL that
names an object is tried three ways, with GET and with an empty POST:

- ``own``:   the persona's own authority's object, which the role decides;
- ``other``: the other authority's object: always 404 (302 to sign in when anonymous);
- ``conf``:  a confidential case of one's own authority, not assigned: always 404 likewise.

Each row of the table reads ``url-name variant method | anon bc.inv bc.legal bc.mgr bc.admin
qc.inv qc.legal qc.mgr qc.admin``. The hard rules below are checked first, whatever the table
says; then the whole table must match. ``UPDATE_PERMISSION_MATRIX=1 pytest tests/test_permission_matrix.py``
rewrites the table from what the application answers, for review in the diff.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from casework.documents.services import Upload, document_add
from casework.models import Authority, Investigation, User
from casework.services import (
    event_add,
    finding_record,
    investigation_open,
    investigation_set_assignees,
    recommendation_add,
)
from orders.clocks.reference import clock_rules_sync
from orders.clocks.services import clock_start
from orders.exports.feeds import calendar_feed_get_or_create
from orders.models import ClockRule, ExportJob
from orders.services import proceeding_record, submission_record
from tests.api.conftest import make_document, make_order
from tests.casework.files import pdf_with_text
from tests.conftest import Ref

TABLE = Path(__file__).parent / "data" / "permission_matrix.txt"
PERSONAS = ("anon", "bc.inv", "bc.legal", "bc.mgr", "bc.admin", "qc.inv", "qc.legal", "qc.mgr", "qc.admin")
ROLES = {"inv": "is_investigator", "legal": "is_legal", "mgr": "is_manager", "admin": "is_administrator"}
# Not a page of the product: the API's catch-all answers 404 for what no route takes.
IGNORED = {"api:not-found"}


def url_patterns() -> Iterator[tuple[str, str]]:
    """(name, route) of every named URL pattern, the admin site's included."""

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), prefix + str(pattern.pattern)

    seen: set[str] = set()
    for name, route in walk(get_resolver().url_patterns, "", None):
        if name in IGNORED or name in seen:
            continue  # DRF's format-suffix twins share their name
        seen.add(name)
        yield name, route


@dataclass
class Side:
    """One authority's objects, and its confidential case."""

    authority: Authority
    investigation: Investigation
    confidential: Investigation
    objects: dict[str, dict[str, Any]]


def _side(ref: Ref, code: str, prefix: str, users: dict[str, User]) -> Side:
    authority = Authority.objects.get(code=code)
    statute = ref.pipa_bc if code == "OIPC-BC" else ref.qc_private
    built: dict[str, dict[str, Any]] = {}
    cases = {}
    for variant, confidential in (("own", False), ("conf", True)):
        investigation = investigation_open(
            actor=None,
            reference=f"{prefix}-{variant.upper()}",
            title=f"{prefix} {variant}",
            origin="complaint",
            opened_on=date(2021, 1, 4),
            lead_authority=authority,
            respondents=[ref.clearview],
            lead_statutes=[statute],
            confidential=confidential,
            assign_actor=False,
        )
        if not confidential:
            investigation_set_assignees(actor=None, investigation=investigation, assignees=[users[f"{prefix}.inv"]])
        event = event_add(
            actor=None, investigation=investigation, date=date(2021, 1, 5), kind="other", summary="Began."
        )
        recommendation_add(actor=None, investigation=investigation, text="Stop.")
        finding = finding_record(
            actor=None,
            investigation=investigation,
            authority=authority,
            statute=statute,
            issue="consent",
            conclusion="well_founded",
            issued_on=date(2021, 2, 2),
        )
        case_document = document_add(
            actor=None,
            investigation=investigation,
            upload=Upload.of(SimpleUploadedFile("letter.pdf", pdf_with_text("A letter."))),
            kind="correspondence_in",
            title="Letter",
            date=date(2021, 1, 6),
        )
        order = make_order(investigation, code, f"{prefix.upper()}-{variant.upper()}-1")
        submission = submission_record(actor=None, order=order, received_on=date(2022, 1, 10), summary="Done.")
        proceeding = proceeding_record(actor=None, order=order, court="Court", filed_on=date(2022, 1, 20))
        language = "en" if code == "OIPC-BC" else "fr"
        document = make_document(order, language=language)
        bundle = ExportJob.objects.create(
            user=users[f"{prefix}.legal"],
            status=ExportJob.Status.READY,
            created_at=timezone.now(),
            total=1,
            done=1,
            file=f"orders/exports/2026/{prefix}-{variant}.zip",
            sha256="b" * 64,
            size=10,
        )
        bundle.orders.set([order])
        for stored in (str(document.file.name), str(bundle.file.name)):
            path = Path(default_storage.path(stored))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.7 test" if stored.endswith(".pdf") else b"PK test")
        # A statutory clock where the authority's statute has a rule (BC PIPA; none for the CAI's act).
        rule = ClockRule.objects.filter(statute=statute).order_by("code").first()
        started = date(2021, 1, 4)
        clock = (
            clock_start(actor=None, investigation=investigation, authority=authority, rule=rule, started_on=started)
            if rule is not None
            else None
        )
        cases[variant] = investigation
        built[variant] = {
            "reference": investigation.reference,
            "authority": code,
            "number": order.number,
            "term": 1,
            "submission": submission.pk,
            "proceeding": proceeding.pk,
            "document": document.pk,
            "bundle": bundle.pk,
            "recommendation": 1,
            "deadline": order.terms.get(number=1).deadline.pk,
            "term_pk": order.terms.get(number=1).pk,
            "object_id": investigation.pk,
            # Corrections and case documents (issue 12).
            "event_id": event.pk,
            "finding_id": finding.pk,
            "respondent_id": ref.clearview.pk,
            "document_id": case_document.pk,
            "version": 1,
            # Statutory clocks (issue 12): none without a rule (an id that exists nowhere).
            "clock": clock.pk if clock is not None else 999999,
        }
    return Side(authority, cases["own"], cases["conf"], built)


@pytest.fixture
def world(ref: Ref) -> dict[str, Any]:
    clock_rules_sync()  # the statutory clock rules whose statutes the test reference data holds
    users: dict[str, User] = {}
    for prefix, authority in (("bc", ref.oipc_bc), ("qc", ref.cai)):
        for role, flag in ROLES.items():
            # Administrators manage reference data and users in the admin site (is_staff).
            user = User(username=f"{prefix}.{role}", authority=authority, is_staff=role == "admin")
            setattr(user, flag, True)
            user.set_password("password")
            user.save()
            users[f"{prefix}.{role}"] = user
    sides = {"bc": _side(ref, "OIPC-BC", "bc", users), "qc": _side(ref, "CAI", "qc", users)}
    return {"users": users, "sides": sides}


OBJECT_ARGUMENTS = {"reference", "authority", "number", "pk", "term", "object_id"}


def _names(route: str) -> list[str]:
    return [plain or regex for plain, regex in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


def _args(route: str, objects: dict[str, Any], token: str) -> dict[str, Any] | None:
    """The URL's keyword arguments from ``objects``; None for a pattern this test cannot fill."""
    kwargs: dict[str, Any] = {}
    for name in _names(route):
        if name == "format":
            return None
        if name == "uidb64":  # a password-reset link with a made-up user and token: refused as invalid
            kwargs[name] = "MQ"
            continue
        if name == "token" and "calendar" not in route:
            kwargs[name] = "set-password"
            continue
        key = {
            "pk": None,
            "term": "term",
            "number": "number",
            "reference": "reference",
            "authority": "authority",
            "token": None,
            "uidb64": None,
        }.get(name, name)
        if name == "token" and "calendar" in route:
            kwargs[name] = token
            continue
        if name == "number" and "recommendations" in route:
            kwargs[name] = objects["recommendation"]
            continue
        if key is None:
            kwargs[name] = _pk_for(route, objects)
            continue
        if key not in objects:
            return None
        kwargs[name] = objects[key]
    return kwargs


def _pk_for(route: str, objects: dict[str, Any]) -> Any:
    for word, key in (
        ("submissions", "submission"),
        ("proceedings", "proceeding"),
        ("documents", "document"),
        ("exports", "bundle"),
        ("terms", "term_pk"),
        ("deadlines", "deadline"),
        ("clocks", "clock"),
    ):
        if word in route:
            return objects[key]
    return objects.get("deadline")


def _answer(client: Client, url: str, method: str) -> int:
    """The status of one request, whose writes are rolled back: each cell starts from the same data."""
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    return response.status_code


def _observe(world: dict[str, Any]) -> dict[str, dict[str, int]]:
    from django.urls import reverse

    results: dict[str, dict[str, int]] = {}
    users = world["users"]
    feeds = {name: calendar_feed_get_or_create(user=user).token for name, user in users.items()}
    for name, route in sorted(url_patterns()):
        if name.startswith("admin:") and not _admin_sample(name):
            continue
        for persona in PERSONAS:
            side = "bc" if persona.startswith("bc") or persona == "anon" else "qc"
            for variant in ("own", "other", "conf"):
                objects_side = side if variant != "other" else ("qc" if side == "bc" else "bc")
                objects = world["sides"][objects_side].objects["own" if variant == "other" else variant]
                token = feeds.get(persona, "0" * 40)
                kwargs = _args(route, objects, token)
                if kwargs is None:
                    continue
                names_object = bool(OBJECT_ARGUMENTS & set(_names(route)))
                if not names_object and variant != "own":
                    continue  # a URL without an object is tried once
                url = reverse(name, kwargs=kwargs or None)
                for method in ("GET", "POST"):
                    client = Client()
                    if persona != "anon":
                        client.force_login(users[persona])
                    row = f"{name} {variant if names_object else '-'} {method}"
                    results.setdefault(row, {})[persona] = _answer(client, url, method)
    return results


def _admin_sample(name: str) -> bool:
    """The admin site is one table row per kind of page, on the investigation model and the index."""
    return name in {
        "admin:index",
        "admin:casework_investigation_changelist",
        "admin:casework_investigation_change",
        "admin:casework_jurisdiction_changelist",
    }


def _read_table() -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, codes = line.split("|")
        table[" ".join(key.split())] = dict(zip(PERSONAS, (int(c) for c in codes.split()), strict=True))
    return table


def _write_table(results: dict[str, dict[str, int]]) -> None:
    header = "# url-name object method | " + " ".join(f"{p:>8}" for p in PERSONAS)
    lines = [header]
    for key in sorted(results):
        lines.append(f"{key:<60}| " + " ".join(f"{results[key][p]:>8}" for p in PERSONAS))
    TABLE.parent.mkdir(exist_ok=True)
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")


# URLs anyone may open without signing in (the sign-in pages, the health check, the calendar feed by its secret).
PUBLIC = re.compile(
    r"^(login|logout|healthz|set_language|accounts:(login_code|password_reset\w*)|orders:calendar_feed) "
)


def test_every_url_answers_each_role_as_the_table_says(world: dict[str, Any]) -> None:
    results = _observe(world)
    names = {name for name, _ in url_patterns() if not name.startswith("admin:") or _admin_sample(name)}
    tried = {key.split()[0] for key in results}
    assert names <= tried, f"URL patterns the matrix cannot build: {sorted(names - tried)}"
    # The hard rules, whatever the table says.
    for key, answers in results.items():
        name, variant, method = key.split()
        for persona, code in answers.items():
            assert code != 500, (key, persona)
            if variant in ("other", "conf") and persona != "anon" and not name.startswith("admin:"):
                # 404 as if it did not exist; 405 for a method the URL never takes, answered before any lookup.
                assert code in (404, 405), (key, persona, code)
            if persona == "anon" and not PUBLIC.match(f"{name} "):
                assert code in (302, 401, 403, 404, 405), (key, code)
    if os.environ.get("UPDATE_PERMISSION_MATRIX") == "1":
        _write_table(results)
    table = _read_table()
    missing = sorted(set(results) - set(table))
    assert not missing, f"URLs without a row in {TABLE.name} (decide who may use them): {missing}"
    differing = {key: (table[key], results[key]) for key in results if table[key] != results[key]}
    assert not differing, differing

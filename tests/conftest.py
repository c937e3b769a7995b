"""Shared fixtures: a small slice of real reference data and named personas.

Personas (healthchecks style), each with one authority:
- ``alice``: OPC investigator        - ``bob``: OIPC-BC investigator
- ``carol``: OIPC-BC legal           - ``dave``: CAI manager
- ``root``: superuser, no authority

Tests that need PostgreSQL or Redis use the ``require_postgres`` / ``redis_url``
fixtures: they skip with the reason on a machine without them, and fail under
``CI=true``, where a skip would hide that the suite did not run for real.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from casework.models import Authority, Investigation, Jurisdiction, Organization, Statute, User
from casework.services import investigation_open

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Property and schema fuzz tests (hypothesis, schemathesis) draw the same examples on every run, so that
# a green run stays green on a fresh clone: a test whose outcome depends on chance would block unrelated
# changes. ``make fuzz`` runs them with fresh randomness and many more examples (HYPOTHESIS_PROFILE=random).
hypothesis_settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("random", derandomize=False, database=None, max_examples=500, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests whose examples hypothesis draws (schemathesis's included) ``fuzz``: ``make fuzz`` runs them."""
    from hypothesis import is_hypothesis_test

    for item in items:
        function = getattr(item, "function", None)
        if function is not None and (is_hypothesis_test(function) or "schema" in item.nodeid):
            item.add_marker(pytest.mark.fuzz)


def skip_or_fail(reason: str) -> None:
    """Skip on a developer machine; under CI the missing service is a failure."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Each test starts in English: a request in French must not leak its language into the next test."""
    with translation.override("en"):
        yield


@pytest.fixture
def require_postgres(db: None) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail(f"this test needs PostgreSQL (DATABASE_URL points at {connection.vendor})")


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis"):
        url = "redis://127.0.0.1:6379/15"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:
        skip_or_fail(f"Redis is not reachable at {url}: {exc}")
    return url


@dataclass
class Ref:
    ca: Jurisdiction
    bc: Jurisdiction
    qc: Jurisdiction
    opc: Authority
    oipc_bc: Authority
    cai: Authority
    pipeda: Statute
    pipa_bc: Statute
    qc_private: Statute
    clearview: Organization


@pytest.fixture
def ref(db: None) -> Ref:
    ca = Jurisdiction.objects.create(
        code="CA",
        name_en="Canada",
        name_fr="Canada",
        time_zone="America/Toronto",
        legal_calendar="CA",
        official_languages=["en", "fr"],
    )
    bc = Jurisdiction.objects.create(
        code="CA-BC",
        name_en="British Columbia",
        name_fr="Colombie-Britannique",
        parent=ca,
        time_zone="America/Vancouver",
        legal_calendar="CA-BC",
        official_languages=["en"],
    )
    qc = Jurisdiction.objects.create(
        code="CA-QC",
        name_en="Quebec",
        name_fr="Québec",
        parent=ca,
        time_zone="America/Toronto",
        legal_calendar="CA-QC",
        official_languages=["fr"],
    )
    opc = Authority.objects.create(
        code="OPC",
        name_en="Office of the Privacy Commissioner of Canada",
        name_fr="Commissariat à la protection de la vie privée du Canada",
        jurisdiction=ca,
        can_issue_orders=False,
        issues_in=["en", "fr"],
    )
    oipc_bc = Authority.objects.create(
        code="OIPC-BC",
        name_en="Office of the Information and Privacy Commissioner for British Columbia",
        jurisdiction=bc,
        can_issue_orders=True,
        max_fine=100000,
        max_fine_currency="CAD",
        issues_in=["en"],
    )
    cai = Authority.objects.create(
        code="CAI",
        name_en="Commission d'accès à l'information du Québec",
        name_fr="Commission d'accès à l'information du Québec",
        jurisdiction=qc,
        can_issue_orders=True,
        issues_in=["fr"],
    )
    pipeda = Statute.objects.create(
        code="PIPEDA",
        short_name="PIPEDA",
        title_en="Personal Information Protection and Electronic Documents Act",
        citation="S.C. 2000, c. 5",
        jurisdiction=ca,
    )
    pipeda.enforced_by.add(opc)
    pipa_bc = Statute.objects.create(
        code="PIPA-BC",
        short_name="PIPA (BC)",
        title_en="Personal Information Protection Act",
        citation="S.B.C. 2003, c. 63",
        jurisdiction=bc,
    )
    pipa_bc.enforced_by.add(oipc_bc)
    qc_private = Statute.objects.create(
        code="QC-PRIVATE-SECTOR",
        short_name="Private sector act (Quebec)",
        title_en="Act respecting the protection of personal information in the private sector",
        citation="CQLR c P-39.1",
        jurisdiction=qc,
    )
    qc_private.enforced_by.add(cai)
    clearview = Organization.objects.create(name="Clearview AI, Inc.", country="US")
    return Ref(ca, bc, qc, opc, oipc_bc, cai, pipeda, pipa_bc, qc_private, clearview)


def _user(username: str, authority: Authority | None, **roles: bool) -> User:
    user = User(username=username, authority=authority)
    for role, value in roles.items():
        setattr(user, role, value)
    user.set_password("password")
    user.save()
    return user


@pytest.fixture
def alice(ref: Ref) -> User:
    return _user("alice", ref.opc, is_investigator=True)


@pytest.fixture
def bob(ref: Ref) -> User:
    return _user("bob", ref.oipc_bc, is_investigator=True)


@pytest.fixture
def carol(ref: Ref) -> User:
    return _user("carol", ref.oipc_bc, is_legal=True)


@pytest.fixture
def dave(ref: Ref) -> User:
    return _user("dave", ref.cai, is_manager=True)


@pytest.fixture
def root(db: None) -> User:
    return User.objects.create_superuser(username="root", password="password", email="root@example.org")


@pytest.fixture
def joint_investigation(ref: Ref, alice: User) -> Investigation:
    """An OPC-led investigation with OIPC-BC joining; alice opened it (and so is assigned)."""
    from casework.models import Participation
    from casework.services import participation_add

    investigation = investigation_open(
        actor=alice,
        reference="PIPEDA-000001",
        title="Joint investigation of Example Corp.",
        origin="commissioner_initiated",
        opened_on=date(2020, 2, 21),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipeda],
        lead_file_number="PIPEDA-000001",
    )
    participation_add(
        actor=alice,
        investigation=investigation,
        authority=ref.oipc_bc,
        role=Participation.Role.JOINT,
        statutes=[ref.pipa_bc],
        file_number="P20-00001",
    )
    return investigation

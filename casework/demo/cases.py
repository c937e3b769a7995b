"""The demo cases: ``data/cases/<REFERENCE>.json``, imported as ``manage.py import_case`` imports a file.

The Clearview AI case (with its orders), the cases around it and Cadillac Fairview
are ``case-tracker/1`` documents (``docs/case-format.md``); ``data/README.md`` says
where their facts come from. Each one goes through ``casework.interchange``, the
code that imports a user's file, so seeding, importing and the tests share one
write path: every write through the services, as the system (``actor=None``).

Loading is idempotent: a case whose reference is in the database is left alone.
"""

from __future__ import annotations

from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

from django.db import transaction

from casework import services
from casework.demo.users import demo_investigator_username
from casework.interchange import CaseFormatError, case_import, case_load
from casework.models import Investigation, User

CASES_DIR = Path(__file__).parent / "data" / "cases"
# How errors name a file: casework/demo/data/cases/PIPEDA-039525.json.
CASES_DIR_NAME = CASES_DIR.relative_to(Path(__file__).parents[2]).as_posix()


def _investigation(document: Any) -> dict[str, Any]:
    # case_load checked only the envelope; case_import reports anything else, naming the field.
    investigation = document.get("investigation") if isinstance(document, dict) else None
    return investigation if isinstance(investigation, dict) else {}


def _in_file(name: str, exc: CaseFormatError) -> CaseFormatError:
    """The same error, its path prefixed with the file's: ``…/cases/PIPEDA-039525.json: investigation.events[2]…``."""
    where = f"{CASES_DIR_NAME}/{name}"
    return CaseFormatError(f"{where}: {exc.path}" if exc.path else where, exc.message)


def _related(document: Any) -> set[str]:
    """The references of the investigations the case links to (its ``related`` list)."""
    links = _investigation(document).get("related")
    references = [link.get("reference") for link in links if isinstance(link, dict)] if isinstance(links, list) else []
    return {reference for reference in references if isinstance(reference, str)}


@transaction.atomic
def load_demo_cases() -> int:
    """Import the demo cases not in the database yet; returns how many were imported.

    1. Read every file (``case_load``); the file of REFERENCE is ``REFERENCE.json``.
    2. Import the missing ones (``case_import``), each after the cases its
       ``related`` list links to: the importer needs those in the database.
    3. Assign the demo investigators (``_assign_demo_investigators``).

    A bad file raises ``CaseFormatError`` naming the file and the field.
    """
    documents: dict[str, Any] = {}
    for path in sorted(CASES_DIR.glob("*.json")):
        try:
            documents[path.stem] = case_load(path)
        except CaseFormatError as exc:
            raise _in_file(path.name, exc) from None
        if _investigation(documents[path.stem]).get("reference") != path.stem:
            problem = CaseFormatError("investigation.reference", f"must be {path.stem}, as the file's name says")
            raise _in_file(path.name, problem)
    present = set(Investigation.objects.filter(reference__in=documents).values_list("reference", flat=True))
    order = TopologicalSorter({reference: _related(document) for reference, document in documents.items()})
    imported = 0
    for reference in order.static_order():
        if reference not in documents or reference in present:
            continue  # a link to a case outside the demo files, or a case already loaded
        try:
            case_import(documents[reference], actor=None)
        except CaseFormatError as exc:
            raise _in_file(f"{reference}.json", exc) from None
        imported += 1
    for investigation in Investigation.objects.filter(reference__in=documents).order_by("pk"):
        _assign_demo_investigators(investigation)
    return imported


def _assign_demo_investigators(investigation: Investigation) -> None:
    """Assign each participating authority's demo investigator, keeping anyone already assigned.

    Not in the case files: who works on a case is local to an installation, and
    the format has no field for it (an export names no staff). The demo users
    exist only here, so this step follows the import, on every run, as before
    the cases were files: a demo investigator unassigned by hand comes back.
    """
    codes = investigation.participations.values_list("authority__code", flat=True)
    usernames = [name for name in (demo_investigator_username(code) for code in codes) if name]
    wanted = set(User.objects.filter(username__in=usernames, authority__participations__investigation=investigation))
    current = set(investigation.assignees.all())
    if not wanted <= current:
        services.investigation_set_assignees(
            actor=None, investigation=investigation, assignees=sorted(current | wanted, key=lambda u: u.pk)
        )

"""Extension points: what another app adds to casework without casework importing it.

Casework is the lower layer: the apps built on it import casework, never the
reverse. Where casework shows or carries something another app owns, it names a point
here and calls whatever is registered there, in the style of Wagtail's hooks. An app
registers from its ``AppConfig.ready()`` (docs/architecture.md lists who registers what), so that everything
is registered before the first request, command or task, and casework works, and is
tested, with nothing registered.

- ``case_format_sections``: a section of the ``case-tracker/1`` file (a key of its
  ``investigation`` object that the format defines, ``casework.interchange.EXTENSION_SECTIONS``)
  read, written and exported by another app.
- ``investigation_panels``: sections of the investigation page, after casework's own, in
  the order they were registered; the page's table of contents lists them too (a ``TitledPanel``
  gives its title and heading id).
- ``investigation_api``: fields, their prefetches and filters added to ``/api/investigations/``.
- ``document_attachments``: the objects of another app a case document may be attached to.
- ``home_panels``: sections of the signed-in user's home page (``/``), after casework's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import Prefetch
    from django.http import HttpRequest
    from django_filters import FilterSet
    from django_stubs_ext import StrOrPromise
    from rest_framework.fields import Field

    from casework.models import Investigation
    from casework.selectors import InvestigationPage

Item = TypeVar("Item")


class Registry(Generic[Item]):
    """Items registered under unique keys, given back in the order they were registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, Item] = {}

    def register(self, key: str, item: Item) -> None:
        if key in self._items:
            raise ImproperlyConfigured(f"{self.name}: {key!r} is registered twice.")
        self._items[key] = item

    def get(self, key: str) -> Item | None:
        return self._items.get(key)

    def items(self) -> list[tuple[str, Item]]:
        return list(self._items.items())

    def __iter__(self) -> Iterator[Item]:
        return iter(list(self._items.values()))

    @contextmanager
    def without(self, *keys: str) -> Iterator[None]:
        """Leave ``keys`` out while the block runs (casework as it is without the app that registers them)."""
        saved = dict(self._items)
        for key in keys:
            self._items.pop(key, None)
        try:
            yield
        finally:
            self._items = saved


# --- The case format ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFormatSection:
    """One section of a ``case-tracker/1`` file, as ``casework.interchange`` asks another app for it.

    - ``read(case, lookups, taking_part=…)`` checks the section and plans its writes (phase 1:
      nothing written; raises ``CaseFormatError`` naming the field).
    - ``write(plans, investigation=…, actor=…)`` carries the plans out, inside the import's
      transaction, after casework's own writes.
    - ``export(investigation)`` gives the section back as the file holds it.
    """

    read: Callable[..., Sequence[object]]
    write: Callable[..., None]
    export: Callable[[Investigation], list[dict[str, Any]]]


case_format_sections: Registry[CaseFormatSection] = Registry("case_format_sections")


# --- The investigation page --------------------------------------------------------------------

# A panel renders its section of the page (HTML, escaped by its template) for the signed-in
# user (``request.user``), from the investigation and what the page already fetched.
InvestigationPanel = Callable[["HttpRequest", "Investigation", "InvestigationPage"], str]


@dataclass(frozen=True)
class TitledPanel:
    """A panel registered with the title and heading id the page's table of contents lists it by.

    It renders as its ``render`` does; a panel registered as a bare function is listed by the
    first ``<h2 id=…>`` of what it renders (``casework.templatetags.casework_tags``).
    """

    render: InvestigationPanel
    title: StrOrPromise
    anchor: str

    def __call__(self, request: HttpRequest, investigation: Investigation, page: InvestigationPage) -> str:
        return self.render(request, investigation, page)


investigation_panels: Registry[InvestigationPanel] = Registry("investigation_panels")


# --- The API -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvestigationApiExtension:
    """What another app adds to the investigations of ``/api/investigations/``.

    - ``fields``: serializer fields by name, each made by a function (a field is bound to one
      serializer), shown after casework's fields and before ``updated_at``.
    - ``prefetch``: what those fields read, fetched with each page (a fixed number of queries).
    - ``filterset``: a FilterSet whose filters are added to casework's (its ``Meta.fields``
      names them); it may override ``filter_queryset``, calling ``super()``.
    """

    fields: Mapping[str, Callable[[], Field[Any, Any, Any, Any]]] = field(default_factory=dict)
    prefetch: Callable[[], Sequence[str | Prefetch]] = tuple
    filterset: type[FilterSet] | None = None


investigation_api: Registry[InvestigationApiExtension] = Registry("investigation_api")


# --- Case documents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentAttachment:
    """Objects of another app that a case document may be attached to (an order, a compliance submission).

    Registered under the model's label (``"orders.order"``); the link is a generic one
    (``CaseDocument.attached_to``), so casework names no model of the app.

    - ``label``: what the upload form calls them ("Order", "Compliance submission").
    - ``choices(user, investigation)``: those of the investigation the user may attach to, as
      (object, label) pairs, in the order offered.
    - ``describe(obj)``: (label, URL) of one, as the document's page names it.
    """

    label: str
    choices: Callable[[Any, Investigation], Sequence[tuple[Any, str]]]
    describe: Callable[[Any], tuple[str, str]]


document_attachments: Registry[DocumentAttachment] = Registry("document_attachments")


# --- The home page -------------------------------------------------------------------------------

# A panel renders its section of the signed-in user's home page (``request.user``): HTML, escaped by
# its template. Casework's own sections (the user's cases) come first, then these in order.
HomePanel = Callable[["HttpRequest"], str]

home_panels: Registry[HomePanel] = Registry("home_panels")

"""The investigation pages, through the test client.

Personas (tests/conftest.py): alice is an OPC investigator assigned to
``joint_investigation`` (OPC lead, OIPC-BC joint); bob is an OIPC-BC investigator
who sees it but is not assigned; carol is OIPC-BC legal; dave is a CAI manager
whose authority does not take part.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from casework import services
from casework.models import (
    Event,
    Finding,
    Investigation,
    InvestigationLink,
    Participation,
    Recommendation,
    User,
)
from tests.conftest import Ref

pytestmark = pytest.mark.django_db


def _open(ref: Ref, reference: str, *, lead: Any = None, actor: User | None = None, **kwargs: Any) -> Investigation:
    """An investigation opened through the service (by nobody, unless ``actor`` is given)."""
    kwargs.setdefault("title", f"Investigation {reference}")
    kwargs.setdefault("origin", "complaint")
    kwargs.setdefault("opened_on", date(2021, 1, 1))
    kwargs.setdefault("respondents", [ref.clearview])
    return services.investigation_open(
        actor=actor, reference=reference, lead_authority=lead or ref.oipc_bc, assign_actor=actor is not None, **kwargs
    )


def _finding(investigation: Investigation, ref: Ref, issue: str = "consent") -> Finding:
    return services.finding_record(
        actor=None,
        investigation=investigation,
        authority=ref.opc,
        statute=ref.pipeda,
        issue=issue,
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )


def _detail(investigation: Investigation) -> str:
    return reverse("casework:investigation_detail", args=[investigation.reference])


def _history(investigation: Investigation) -> str:
    return reverse("casework:investigation_history", args=[investigation.reference])


# --- Signing in, layout, language ----------------------------------------------------


def test_it_requires_login(client: Client, joint_investigation: Investigation) -> None:
    for url in (reverse("casework:investigation_list"), _detail(joint_investigation)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_it_shows_the_sign_in_page(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Sign in" in html
    assert 'for="id_username"' in html and 'for="id_password"' in html


def test_it_shows_who_is_signed_in_with_authority_and_roles(client: Client, bob: User) -> None:
    client.force_login(bob)
    html = client.get(reverse("casework:investigation_list")).content.decode()
    assert "bob" in html and "OIPC-BC" in html and "investigator" in html
    assert 'action="/accounts/logout/"' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert html.count("<h1") == 1


def test_it_switches_the_language_to_french(client: Client, bob: User) -> None:
    client.force_login(bob)
    assert '<html lang="en">' in client.get(reverse("casework:investigation_list")).content.decode()
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/investigations/"})
    assert response.status_code == 302
    assert '<html lang="fr">' in client.get(reverse("casework:investigation_list")).content.decode()


# --- The list ------------------------------------------------------------------------------


def test_it_lists_only_visible_investigations(
    client: Client, ref: Ref, bob: User, joint_investigation: Investigation
) -> None:
    _open(ref, "CAI-ONLY", lead=ref.cai)
    _open(ref, "BC-SECRET", confidential=True)
    assigned = _open(ref, "BC-ASSIGNED", confidential=True)
    services.investigation_set_assignees(actor=None, investigation=assigned, assignees=[bob])
    client.force_login(bob)

    html = client.get(reverse("casework:investigation_list")).content.decode()

    assert "PIPEDA-000001" in html
    assert "BC-ASSIGNED" in html
    assert "Confidential" in html  # the badge on the assigned confidential one
    assert "CAI-ONLY" not in html
    assert "BC-SECRET" not in html


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ({"stage": "closed"}, ["BC-CLOSED"], ["BC-OPEN"]),
        ({"respondent": "example"}, ["BC-OPEN"], ["BC-CLOSED"]),
        ({"confidential": "true"}, ["BC-OPEN"], ["BC-CLOSED"]),
        ({"confidential": "false"}, ["BC-CLOSED"], ["BC-OPEN"]),
        ({"q": "facial"}, ["BC-OPEN"], ["BC-CLOSED"]),  # in the summary
        ({"q": "bc-clo"}, ["BC-CLOSED"], ["BC-OPEN"]),  # in the reference
        ({"q": "Retail"}, ["BC-CLOSED"], ["BC-OPEN"]),  # in the title
    ],
)
def test_it_filters_the_list(
    client: Client, ref: Ref, bob: User, query: dict[str, str], present: list[str], absent: list[str]
) -> None:
    example = services.organization_get_or_create(actor=None, name="Example Analytics Ltd.", country="CA")
    _open(ref, "BC-OPEN", actor=bob, summary="Facial recognition.", confidential=True, respondents=[example])
    _open(ref, "BC-CLOSED", title="Retail loyalty programme", stage="closed")
    client.force_login(bob)

    html = client.get(reverse("casework:investigation_list"), query).content.decode()

    for reference in present:
        assert reference in html
    for reference in absent:
        assert reference not in html


def test_it_filters_by_participating_authority(
    client: Client, ref: Ref, bob: User, joint_investigation: Investigation
) -> None:
    _open(ref, "BC-ALONE")
    client.force_login(bob)

    html = client.get(reverse("casework:investigation_list"), {"authority": str(ref.opc.pk)}).content.decode()

    assert "PIPEDA-000001" in html
    assert "BC-ALONE" not in html
    # BC takes part in both: each is listed once, not once per participation.
    html = client.get(reverse("casework:investigation_list"), {"authority": str(ref.oipc_bc.pk)}).content.decode()
    assert html.count(">PIPEDA-000001</a>") == 1
    assert "BC-ALONE" in html


def test_it_shows_an_empty_state(client: Client, bob: User) -> None:
    client.force_login(bob)
    html = client.get(reverse("casework:investigation_list")).content.decode()
    assert "There are no investigations you can see yet." in html
    html = client.get(reverse("casework:investigation_list"), {"q": "nothing"}).content.decode()
    assert "No investigation matches these filters." in html


def test_words_longer_than_a_search_takes_answer_with_no_row_and_say_why(
    client: Client, bob: User, joint_investigation: Investigation
) -> None:
    client.force_login(bob)
    response = client.get(reverse("casework:investigation_list"), {"q": "Example" + "x" * 1_000_000})
    assert response.status_code == 200
    html = response.content.decode()
    assert "at most 200 characters" in html
    assert ">PIPEDA-000001</a>" not in html
    html = client.get(reverse("casework:investigation_list"), {"q": "Example"}).content.decode()
    assert ">PIPEDA-000001</a>" in html


def test_it_offers_to_open_an_investigation_only_to_investigators(client: Client, bob: User, carol: User) -> None:
    url = reverse("casework:investigation_create")
    client.force_login(bob)
    assert url in client.get(reverse("casework:investigation_list")).content.decode()
    client.force_login(carol)
    assert url not in client.get(reverse("casework:investigation_list")).content.decode()


def test_it_sorts_and_pages_the_list(client: Client, ref: Ref, bob: User) -> None:
    for number in range(30):
        _open(ref, f"BC-{number:03d}", opened_on=date(2020, 1, 1 + number % 28))
    client.force_login(bob)
    url = reverse("casework:investigation_list")

    html = client.get(url, {"sort": "reference"}).content.decode()
    assert "BC-000" in html and "BC-024" in html and "BC-025" not in html  # 25 a page
    html = client.get(url, {"sort": "reference", "page": "2"}).content.decode()
    assert "BC-025" in html and "BC-000" not in html
    html = client.get(url, {"sort": "-reference", "per_page": "5"}).content.decode()
    assert "BC-029" in html and "BC-024" not in html
    html = client.get(url, {"sort": "reference", "per_page": "50", "page": "1"}).content.decode()
    # The rows-per-page links keep the sort, drop the page, and mark the current choice.
    assert 'href="?sort=reference&amp;per_page=100"' in html
    assert 'href="?sort=reference&amp;per_page=50" aria-current="true"' in html
    html = client.get(url, {"per_page": 1000}).content.decode()  # capped at 100: all 30 on one page
    assert "BC-000" in html and "BC-029" in html
    assert client.get(url, {"sort": "stage"}).status_code == 200
    assert client.get(url, {"sort": "-opened_on", "page": "999"}).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_with_a_fixed_number_of_queries(
    client: Client, ref: Ref, bob: User, count: int, django_assert_num_queries: Callable[..., Any]
) -> None:
    for number in range(count):
        investigation = _open(ref, f"BC-{number:03d}")
        services.participation_add(
            actor=None, investigation=investigation, authority=ref.cai, role="joint", statutes=[ref.qc_private]
        )
    client.force_login(bob)
    # 1 session, 2 user, 3 the paginator's count, 4 the user's authority (page header),
    # 5 the authorities offered by the filter form, 6 the page of investigations,
    # 7 their participations with their authorities, 8 their respondents.
    with django_assert_num_queries(8):
        response = client.get(reverse("casework:investigation_list"), {"per_page": 50})
    assert response.status_code == 200
    assert response.content.decode().count("<tr") == count + 1


# --- The investigation page -------------------------------------------------------------


def test_it_hides_an_investigation_from_other_authorities(
    client: Client, dave: User, joint_investigation: Investigation
) -> None:
    client.force_login(dave)
    assert client.get(_detail(joint_investigation)).status_code == 404


def test_it_hides_a_confidential_investigation_from_unassigned_staff(
    client: Client, ref: Ref, bob: User, carol: User
) -> None:
    secret = _open(ref, "BC-SECRET", confidential=True, actor=bob)
    client.force_login(carol)
    assert client.get(_detail(secret)).status_code == 404
    client.force_login(bob)
    assert client.get(_detail(secret)).status_code == 200


def test_it_answers_404_for_a_missing_investigation(client: Client, bob: User) -> None:
    client.force_login(bob)
    assert client.get(reverse("casework:investigation_detail", args=["NOPE-1"])).status_code == 404


def test_it_shows_the_investigation(client: Client, ref: Ref, bob: User, joint_investigation: Investigation) -> None:
    inv = joint_investigation
    services.investigation_update(actor=None, investigation=inv, summary="Line one.\nLine two.", confidential=False)
    services.event_add(
        actor=None,
        investigation=inv,
        date=date(2022, 2, 1),
        date_precision="month",
        kind="media_report",
        summary="Reported in the press.",
        source="https://example.org/news",
        verified=False,
        note="Not confirmed by the respondent.",
    )
    finding = _finding(inv, ref)
    services.recommendation_add(
        actor=None,
        investigation=inv,
        text="Stop collecting.",
        findings=[finding],
        response="refused",
        responded_on=date(2021, 3, 1),
    )
    client.force_login(bob)

    response = client.get(_detail(inv))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Line one.<br>Line two." in html
    assert "February 2022" in html
    assert "Unverified" in html and "Not confirmed by the respondent." in html
    assert 'href="https://example.org/news" rel="noopener noreferrer"' in html
    assert "S.C. 2000, c. 5" in html and "P20-00001" in html  # statute citation, BC's file number
    assert "Stop collecting." in html and "Refused" in html
    assert "alice" in html  # assigned staff and the history
    # bob sees it but is not assigned: no action buttons.
    assert reverse("casework:investigation_edit", args=[inv.reference]) not in html


def test_it_shows_action_buttons_to_the_assigned_investigator(
    client: Client, alice: User, joint_investigation: Investigation
) -> None:
    client.force_login(alice)
    html = client.get(_detail(joint_investigation)).content.decode()
    for name in (
        "investigation_edit",
        "participant_add",
        "event_add",
        "finding_add",
        "recommendation_add",
        "link_add",
        "assignees_edit",
    ):
        assert reverse(f"casework:{name}", args=[joint_investigation.reference]) in html


def test_it_shows_related_investigations_only_when_visible(
    client: Client, ref: Ref, bob: User, joint_investigation: Investigation
) -> None:
    visible = _open(ref, "BC-VISIBLE")
    hidden = _open(ref, "CAI-HIDDEN", lead=ref.cai)
    services.investigation_link(actor=None, from_investigation=joint_investigation, to_investigation=visible)
    services.investigation_link(actor=None, from_investigation=hidden, to_investigation=joint_investigation)
    client.force_login(bob)

    html = client.get(_detail(joint_investigation)).content.decode()
    assert "BC-VISIBLE" in html
    assert "CAI-HIDDEN" not in html  # not in the related list
    history = client.get(_history(joint_investigation)).content.decode()
    assert "BC-VISIBLE" in history and "CAI-HIDDEN" not in history  # nor in the history
    # And from the other side: the link is shown on both.
    assert "PIPEDA-000001" in client.get(_detail(visible)).content.decode()


def test_it_shows_the_history_with_changes(client: Client, alice: User, joint_investigation: Investigation) -> None:
    client.force_login(alice)
    client.post(
        reverse("casework:investigation_edit", args=[joint_investigation.reference]),
        _edit_payload(joint_investigation, title="Renamed investigation", stage="report_issued"),
    )
    html = client.get(_detail(joint_investigation)).content.decode()
    # The page holds the history's section and loads it from the history page.
    section = html[html.index('id="history-heading"') :]
    assert f'data-history-src="{_history(joint_investigation)}?partial=1"' in html
    assert f'href="{_history(joint_investigation)}"' in section
    for url, whole_page in (
        (_history(joint_investigation), True),
        (_history(joint_investigation) + "?partial=1", False),
    ):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert ("<html" in html) is whole_page
        history = html[html.index('id="history-heading"') :]
        assert "Joint investigation of Example Corp." in history and "Renamed investigation" in history
        assert "report of findings issued" in history
        assert "Created" in history and "Changed" in history


def test_the_history_answers_404_to_those_who_may_not_see_the_investigation(
    client: Client, ref: Ref, bob: User
) -> None:
    hidden = _open(ref, "CAI-HIDDEN", lead=ref.cai)
    client.force_login(bob)
    assert client.get(_history(hidden)).status_code == 404
    assert client.get(_history(hidden) + "?partial=1").status_code == 404


def _populate(investigation: Investigation, ref: Ref, count: int) -> None:
    for number in range(count):
        services.event_add(
            actor=None, investigation=investigation, date=date(2021, 1, 1 + number), kind="other", summary=f"E{number}"
        )
        finding = _finding(investigation, ref, issue=f"issue {number}")
        services.recommendation_add(actor=None, investigation=investigation, text=f"R{number}", findings=[finding])
        other = _open(ref, f"BC-REL-{number}")
        services.investigation_link(actor=None, from_investigation=investigation, to_investigation=other)
    services.investigation_update(actor=None, investigation=investigation, title="Changed")


@pytest.mark.parametrize("count", [1, 12])
def test_it_shows_the_investigation_with_a_fixed_number_of_queries(
    client: Client,
    ref: Ref,
    alice: User,
    joint_investigation: Investigation,
    count: int,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    _populate(joint_investigation, ref, count)
    client.force_login(alice)
    # 1 session, 2 user, 3 the investigation (permissions), 4 participations with
    # their authorities, 5 their statutes, 6 their findings, 7 recommendations,
    # 8 the findings they follow from, 9 related investigations the user may see
    # (both directions), 10 respondents, 11 events, 12 assigned staff,
    # 13 the documents with their versions, 14 the withdrawn findings, 15 the withdrawn
    # respondents, 16 may the user edit (assigned?), 17 the user's authority and unread count (page
    # header and bell), 18 the investigation's orders (Orders section), 19 its statutory clocks
    # (none here; with clocks, their stays and extensions are two more); the case timeline:
    # 20 the recorded stage changes, 21 the orders (none here; with orders, their terms
    # with deadlines, the stays and the court proceedings are three more, see tests/orders/test_timeline.py).
    with django_assert_num_queries(21):
        response = client.get(_detail(joint_investigation))
    assert response.status_code == 200
    assert response.content.decode().count('class="timeline-item"') == count
    # The history, loaded after the page: 1 session, 2 user, 3 the investigation
    # (permissions), 4 the linked investigations the user may see, then for the
    # investigation 5 its rows, 6 respondents, 7 assignees; participations 8 rows,
    # 9 statutes; 10 findings; recommendations 11 rows, 12 findings followed; 13 events; 14 links;
    # 15 respondents withdrawn; 16 documents; 17 their versions.
    with django_assert_num_queries(17):
        response = client.get(_history(joint_investigation) + "?partial=1")
    assert response.status_code == 200
    assert " ".join(response.content.decode().split()).count("Created recommendation ") == count


def test_it_escapes_user_text(client: Client, ref: Ref, alice: User) -> None:
    client.force_login(alice)
    script = "<script>alert('x')</script>"
    response = client.post(
        reverse("casework:investigation_create"),
        {
            "reference": "OPC-XSS",
            "title": script,
            "origin": "complaint",
            "opened_on": "2021-01-01",
            "stage": "investigation",
            "summary": f"Before\n{script}",
            "respondents": [ref.clearview.pk],
            "new_respondent_kind": "company",
        },
    )
    assert response.status_code == 302
    investigation = Investigation.objects.get(reference="OPC-XSS")
    services.event_add(actor=alice, investigation=investigation, date=date(2021, 1, 2), kind="other", summary=script)

    for url in (_detail(investigation), reverse("casework:investigation_list")):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


# --- Write pages ---------------------------------------------------------------------------


def _edit_payload(investigation: Investigation, **changes: Any) -> dict[str, Any]:
    payload = {
        "title": investigation.title,
        "summary": investigation.summary,
        "origin": investigation.origin,
        "stage": investigation.stage,
        "disposition": investigation.disposition,
        "opened_on": investigation.opened_on.isoformat(),
        "closed_on": "",
        "respondents": [organization.pk for organization in investigation.respondents.all()],
        "new_respondent_kind": "company",
    }
    payload.update(changes)
    return payload


class WriteCase:
    """One write page: its URL name, a valid submission, and how to find what it created."""

    def __init__(
        self,
        name: str,
        payload: Callable[[Investigation, Ref], dict[str, Any]],
        created: Callable[[Investigation], Any],
        setup: Callable[[Investigation, Ref], None] = lambda inv, ref: None,
        args: Callable[[Investigation], list[Any]] = lambda inv: [inv.reference],
    ) -> None:
        self.name, self.payload, self.created, self.setup, self.args = name, payload, created, setup, args

    def __repr__(self) -> str:
        return self.name


def _with_recommendation(inv: Investigation, ref: Ref) -> None:
    services.recommendation_add(actor=None, investigation=inv, text="Delete the images.", made_on=date(2021, 2, 2))


def _with_another_opc_investigation(inv: Investigation, ref: Ref) -> None:
    _open(ref, "OPC-OTHER", lead=ref.opc)


def _with_an_opc_colleague(inv: Investigation, ref: Ref) -> None:
    User.objects.create_user(username="oscar", authority=ref.opc, is_investigator=True)


WRITE_CASES = [
    WriteCase(
        "investigation_edit",
        lambda inv, ref: _edit_payload(inv, title="New title", closed_on="2022-01-01", stage="closed"),
        lambda inv: Investigation.objects.get(pk=inv.pk, title="New title"),
    ),
    WriteCase(
        "participant_add",
        lambda inv, ref: {
            "authority": ref.cai.pk,
            "role": "joint",
            "statutes": [ref.qc_private.pk],
            "file_number": "1",
        },
        lambda inv: Participation.objects.get(investigation=inv, authority__code="CAI"),
    ),
    WriteCase(
        "event_add",
        lambda inv, ref: {
            "date": "2020-07-06",
            "date_precision": "day",
            "kind": "respondent_action",
            "summary": "Stopped offering its service in Canada.",
            "source": "https://example.org/a",
            "verified": "on",
        },
        lambda inv: Event.objects.get(investigation=inv, summary="Stopped offering its service in Canada."),
    ),
    WriteCase(
        "finding_add",
        lambda inv, ref: {
            "authority": ref.opc.pk,
            "statute": ref.pipeda.pk,
            "issue": "consent",
            "conclusion": "well_founded",
            "issued_on": "2021-02-02",
        },
        lambda inv: Finding.objects.get(participation__investigation=inv, issue="consent"),
    ),
    WriteCase(
        "recommendation_add",
        lambda inv, ref: {"text": "Cease collecting.", "response": "no_response", "made_on": "2021-02-02"},
        lambda inv: Recommendation.objects.get(investigation=inv, number=1),
    ),
    WriteCase(
        "recommendation_respond",
        lambda inv, ref: {"response": "refused", "responded_on": "2021-03-01", "response_text": "No."},
        lambda inv: Recommendation.objects.get(investigation=inv, number=1, response="refused"),
        setup=_with_recommendation,
        args=lambda inv: [inv.reference, 1],
    ),
    WriteCase(
        "link_add",
        lambda inv, ref: {"reference": "OPC-OTHER", "kind": "related", "note": "Same respondent."},
        lambda inv: InvestigationLink.objects.get(from_investigation=inv, to_investigation__reference="OPC-OTHER"),
        setup=_with_another_opc_investigation,
    ),
    WriteCase(
        "assignees_edit",
        # Each authority assigns its own people: alice (OPC) assigns her OPC colleague.
        lambda inv, ref: {
            "assignees": list(User.objects.filter(username__in=["alice", "oscar"]).values_list("pk", flat=True))
        },
        lambda inv: inv.assignees.get(username="oscar"),
        setup=_with_an_opc_colleague,
    ),
]


@pytest.fixture
def everyone(alice: User, bob: User, carol: User, dave: User) -> dict[str, User]:
    return {"alice": alice, "bob": bob, "carol": carol, "dave": dave}


@pytest.mark.parametrize("case", WRITE_CASES, ids=repr)
def test_it_hides_write_pages_of_invisible_investigations(
    client: Client, ref: Ref, everyone: dict[str, User], joint_investigation: Investigation, case: WriteCase
) -> None:
    case.setup(joint_investigation, ref)
    client.force_login(everyone["dave"])
    url = reverse(f"casework:{case.name}", args=case.args(joint_investigation))
    assert client.get(url).status_code == 404
    assert client.post(url, case.payload(joint_investigation, ref)).status_code == 404


@pytest.mark.parametrize("case", WRITE_CASES, ids=repr)
def test_it_forbids_write_pages_to_unassigned_staff(
    client: Client, ref: Ref, everyone: dict[str, User], joint_investigation: Investigation, case: WriteCase
) -> None:
    case.setup(joint_investigation, ref)
    url = reverse(f"casework:{case.name}", args=case.args(joint_investigation))
    # An unassigned investigator; legal staff, who may assign their own authority's people but not edit
    # (tests/casework/test_assignments.py).
    forbidden = ("bob",) if case.name == "assignees_edit" else ("bob", "carol")
    for username in forbidden:
        client.force_login(everyone[username])
        assert client.get(url).status_code == 403
        assert client.post(url, case.payload(joint_investigation, ref)).status_code == 403
    with pytest.raises(ObjectDoesNotExist):  # nothing was created or changed
        case.created(joint_investigation)


@pytest.mark.parametrize("case", WRITE_CASES, ids=repr)
def test_it_saves_through_write_pages_for_the_assigned_investigator(
    client: Client, ref: Ref, everyone: dict[str, User], joint_investigation: Investigation, case: WriteCase
) -> None:
    case.setup(joint_investigation, ref)
    client.force_login(everyone["alice"])
    url = reverse(f"casework:{case.name}", args=case.args(joint_investigation))
    assert client.get(url).status_code == 200

    response = client.post(url, case.payload(joint_investigation, ref), follow=True)

    assert response.redirect_chain == [(_detail(joint_investigation), 302)]
    created = case.created(joint_investigation)
    history = Investigation.history.model if case.name == "assignees_edit" else type(created).history.model
    assert history.objects.filter(history_user=everyone["alice"]).exists()
    html = response.content.decode()
    assert 'role="status"' in html  # the success message
    assert "Done:" in html


def test_it_opens_an_investigation(client: Client, ref: Ref, alice: User) -> None:
    client.force_login(alice)
    url = reverse("casework:investigation_create")
    html = client.get(url).content.decode()
    assert 'type="date"' in html
    assert "PIPEDA" in html and "PIPA (BC)" not in html  # only the statutes OPC enforces

    response = client.post(
        url,
        {
            "reference": "PIPEDA-2024-001",
            "title": "Investigation of Example Inc.",
            "origin": "complaint",
            "opened_on": "2024-01-15",
            "stage": "intake",
            "lead_statutes": [ref.pipeda.pk],
            "lead_file_number": "",
            "new_respondent_name": "Example Inc.",
            "new_respondent_country": "ca",
            "new_respondent_kind": "company",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    investigation = Investigation.objects.get(reference="PIPEDA-2024-001")
    assert response["Location"] == _detail(investigation)
    assert [str(org) for org in investigation.respondents.all()] == ["Example Inc. (CA)"]
    assert investigation.participations.get().authority == ref.opc
    assert list(investigation.assignees.all()) == [alice]
    assert investigation.history.filter(history_user=alice).exists()


def test_it_forbids_opening_to_non_investigators(client: Client, carol: User) -> None:
    client.force_login(carol)
    assert client.get(reverse("casework:investigation_create")).status_code == 403
    assert client.post(reverse("casework:investigation_create"), {"reference": "X"}).status_code == 403


def test_it_refuses_a_reference_already_used(
    client: Client, ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("casework:investigation_create"),
        {
            "reference": joint_investigation.reference,
            "title": "Again",
            "origin": "complaint",
            "opened_on": "2024-01-15",
            "stage": "intake",
            "respondents": [ref.clearview.pk],
            "new_respondent_name": "Brand New Co.",
            "new_respondent_country": "CA",
            "new_respondent_kind": "company",
        },
    )
    assert response.status_code == 200
    assert "reference" in response.context["form"].errors
    # All or nothing: the new respondent was not kept either.
    assert not ref.clearview.__class__.objects.filter(name="Brand New Co.").exists()


def _post(client: Client, user: User, name: str, args: list[Any], data: dict[str, Any]) -> Any:
    client.force_login(user)
    response = client.post(reverse(f"casework:{name}", args=args), data)
    assert response.status_code == 200, "the form is shown again with its errors"
    return response


def test_it_shows_a_statute_the_authority_does_not_apply_on_the_statute_field(
    client: Client, ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    response = _post(
        client,
        alice,
        "finding_add",
        [joint_investigation.reference],
        {
            "authority": ref.opc.pk,
            "statute": ref.pipa_bc.pk,  # applied by OIPC-BC in this investigation, not by the OPC
            "issue": "consent",
            "conclusion": "well_founded",
            "issued_on": "2021-02-02",
        },
    )
    # Named by their names, not their codes.
    message = f"{ref.opc.name_en} does not apply {ref.pipa_bc.short_name} in this investigation."
    assert response.context["form"].errors["statute"] == [message]
    assert escape(message) in response.content.decode()
    assert not Finding.objects.exists()


def test_it_shows_an_authority_already_taking_part_on_the_authority_field(
    client: Client, ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    response = _post(
        client,
        alice,
        "participant_add",
        [joint_investigation.reference],
        {"authority": ref.oipc_bc.pk, "role": "joint"},
    )
    assert response.context["form"].errors["authority"] == ["Choose an authority that does not already take part."]


def test_it_shows_a_statute_the_new_participant_does_not_enforce_on_the_statutes_field(
    client: Client, ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    response = _post(
        client,
        alice,
        "participant_add",
        [joint_investigation.reference],
        {"authority": ref.cai.pk, "role": "joint", "statutes": [ref.pipeda.pk]},
    )
    message = f"{ref.cai.name_en} does not enforce {ref.pipeda.short_name}."
    assert response.context["form"].errors["statutes"] == [message]


def test_it_shows_a_second_lead_on_the_role_field(
    client: Client, ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    response = _post(
        client, alice, "participant_add", [joint_investigation.reference], {"authority": ref.cai.pk, "role": "lead"}
    )
    assert response.context["form"].errors["role"] == ["This investigation already has a lead authority."]


def test_it_shows_an_answer_without_a_date_on_the_date_field(
    client: Client, ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    _with_recommendation(joint_investigation, ref)
    response = _post(
        client,
        alice,
        "recommendation_respond",
        [joint_investigation.reference, 1],
        {"response": "accepted", "responded_on": ""},
    )
    assert response.context["form"].errors["responded_on"] == ["Give the date of the respondent's answer."]
    assert Recommendation.objects.get().response == "no_response"


def test_it_shows_a_closing_date_before_the_opening_on_the_closing_field(
    client: Client, alice: User, joint_investigation: Investigation
) -> None:
    response = _post(
        client,
        alice,
        "investigation_edit",
        [joint_investigation.reference],
        _edit_payload(joint_investigation, title="Not saved", closed_on="2019-01-01"),
    )
    assert response.context["form"].errors["closed_on"] == ["An investigation cannot close before it opened."]
    html = response.content.decode()
    assert "Nothing was saved" in html
    joint_investigation.refresh_from_db()
    assert joint_investigation.closed_on is None and joint_investigation.title != "Not saved"


def test_it_answers_404_for_a_missing_recommendation(
    client: Client, alice: User, joint_investigation: Investigation
) -> None:
    client.force_login(alice)
    url = reverse("casework:recommendation_respond", args=[joint_investigation.reference, 9])
    assert client.get(url).status_code == 404


def test_it_refuses_to_link_an_invisible_investigation(
    client: Client, ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    _open(ref, "CAI-HIDDEN", lead=ref.cai)
    response = _post(
        client, alice, "link_add", [joint_investigation.reference], {"reference": "CAI-HIDDEN", "kind": "related"}
    )
    assert response.context["form"].errors["reference"] == [
        "No investigation you can see has the reference CAI-HIDDEN."
    ]


def test_it_refuses_to_link_an_investigation_to_itself(
    client: Client, alice: User, joint_investigation: Investigation
) -> None:
    response = _post(
        client,
        alice,
        "link_add",
        [joint_investigation.reference],
        {"reference": joint_investigation.reference, "kind": "related"},
    )
    assert response.context["form"].errors["reference"] == ["An investigation cannot be related to itself."]


def test_it_sends_staff_who_unassign_themselves_from_a_confidential_investigation_to_the_list(
    client: Client, ref: Ref, bob: User
) -> None:
    secret = _open(ref, "BC-SECRET", confidential=True, actor=bob)
    client.force_login(bob)
    response = client.post(reverse("casework:assignees_edit", args=[secret.reference]), {"assignees": []})
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:investigation_list")

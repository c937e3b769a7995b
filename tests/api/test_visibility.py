"""Every API endpoint answers 404 for what a user may not see, and never lists it.

The walk covers every resource the router registers: a new endpoint without a
row in ``EXPECTED`` fails ``test_it_walks_every_registered_endpoint``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from casework.models import User
from config.api_urls import router
from orders.models import Deadline, Order, OrderDocument, Term
from tests.api.conftest import World

# Who sees which investigation (casework.permissions): the joint one its two authorities,
# the CAI's the CAI, the confidential BC one nobody but the superuser (nobody is assigned).
SEES = {
    "alice": {"PIPEDA-000001"},
    "bob": {"PIPEDA-000001"},
    "carol": {"PIPEDA-000001"},
    "dave": {"CAI-1020"},
    "root": {"PIPEDA-000001", "CAI-1020", "P21-SECRET"},
}


def _order_url(order: Order) -> str:
    return reverse("api:order-detail", kwargs={"authority": order.authority.code, "number": order.number})


def _objects(world: World) -> dict[str, list[tuple[str, str]]]:
    """For each router basename: (detail URL, investigation reference) of every object in the database."""
    orders = [world.bc_order, world.cai_order, world.secret_order]
    return {
        "investigation": [
            (
                reverse("api:investigation-detail", kwargs={"reference": o.investigation.reference}),
                o.investigation.reference,
            )
            for o in orders
        ],
        "order": [(_order_url(o), o.investigation.reference) for o in orders],
        "term": [
            (reverse("api:term-detail", kwargs={"pk": t.pk}), t.order.investigation.reference)
            for t in Term.objects.select_related("order__investigation")
        ],
        "deadline": [
            (reverse("api:deadline-detail", kwargs={"pk": d.pk}), d.term.order.investigation.reference)
            for d in Deadline.objects.select_related("term__order__investigation")
        ],
        "document": [
            (reverse("api:document-detail", kwargs={"pk": d.pk}), d.order.investigation.reference)
            for d in OrderDocument.objects.select_related("order__investigation")
        ],
    }


def _path(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_it_walks_every_registered_endpoint(world: World) -> None:
    assert {basename for _, _, basename in router.registry} == set(_objects(world))


@pytest.mark.parametrize("username", sorted(SEES))
def test_it_lists_and_shows_only_what_the_user_may_see(
    username: str,
    world: World,
    alice: User,
    bob: User,
    carol: User,
    dave: User,
    root: User,
    token_client: Callable[[User], APIClient],
) -> None:
    client = token_client(User.objects.get(username=username))
    visible = SEES[username]
    for basename, objects in _objects(world).items():
        assert len({reference for _, reference in objects}) == 3, basename  # each investigation has some
        listed = client.get(reverse(f"api:{basename}-list"), {"page_size": 200})
        assert listed.status_code == 200, basename
        listed_urls = {_path(row["url"]) for row in listed.json()["results"]}
        expected = {url for url, reference in objects if reference in visible}
        assert listed_urls == expected, basename
        assert listed.json()["count"] == len(expected)
        for url, reference in objects:
            response = client.get(url)
            if reference in visible:
                assert response.status_code == 200, url
                assert _path(response.json()["url"]) == url
            else:
                # The same answer as for something that does not exist.
                assert response.status_code == 404, (username, url)
                assert set(response.json()) == {"detail"}


def test_it_answers_404_alike_for_missing_and_invisible(
    world: World, token_client: Callable[[User], APIClient], dave: User
) -> None:
    client = token_client(dave)
    invisible = client.get(_order_url(world.bc_order))
    missing = client.get(reverse("api:order-detail", kwargs={"authority": "OIPC-BC", "number": "NO-SUCH"}))
    assert invisible.status_code == missing.status_code == 404
    assert invisible.json() == missing.json()
    assert client.get(reverse("api:investigation-detail", kwargs={"reference": "PIPEDA-000001"})).status_code == 404


def test_it_shows_an_assigned_user_the_confidential_investigation(
    world: World, token_client: Callable[[User], APIClient], bob: User
) -> None:
    client = token_client(bob)
    url = reverse("api:investigation-detail", kwargs={"reference": "P21-SECRET"})
    assert client.get(url).status_code == 404
    world.secret_order.investigation.assignees.add(bob)
    assert client.get(url).status_code == 200
    assert client.get(_order_url(world.secret_order)).status_code == 200


def test_it_refuses_requests_that_are_not_signed_in(world: World) -> None:
    client = APIClient()
    urls = [reverse("api:api-root"), reverse("api:schema") + "?format=json"]
    for basename, objects in _objects(world).items():
        urls.append(reverse(f"api:{basename}-list"))
        urls.append(objects[0][0])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 401, url
        assert set(response.json()) == {"detail"}, url


def test_it_refuses_a_wrong_token(world: World) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get(reverse("api:order-list"))
    assert response.status_code == 401
    assert "results" not in response.json()


def test_it_refuses_an_inactive_users_token(world: World, token_client: Callable[[User], APIClient], bob: User) -> None:
    client = token_client(bob)
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert client.get(reverse("api:order-list")).status_code == 401

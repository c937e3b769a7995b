"""Each authority assigns and unassigns its own staff; nobody removes another authority's people.

On ``joint_investigation`` (OPC lead, OIPC-BC joining; alice of OPC assigned): bob (BC
investigator) and carol (BC legal) may assign BC staff only; alice may assign OPC staff only.
An empty list from bob leaves alice assigned; naming another authority's person is refused.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from casework.models import Investigation, User
from casework.services import investigation_set_assignees
from tests.conftest import Ref


@pytest.fixture
def assigned(joint_investigation: Investigation, alice: User, bob: User) -> Investigation:
    investigation_set_assignees(actor=None, investigation=joint_investigation, assignees=[alice, bob])
    return joint_investigation


def names(investigation: Investigation) -> set[str]:
    return set(investigation.assignees.values_list("username", flat=True))


def test_an_empty_list_unassigns_only_the_actors_own_authority(assigned: Investigation, bob: User) -> None:
    investigation_set_assignees(actor=bob, investigation=assigned, assignees=[])
    assert names(assigned) == {"alice"}  # bob removed himself; OPC's alice stays


def test_another_authoritys_person_cannot_be_assigned_or_removed(
    assigned: Investigation, alice: User, bob: User, carol: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        investigation_set_assignees(actor=alice, investigation=assigned, assignees=[alice, carol])
    # The authority by its name, not its code.
    assert alice.authority is not None
    assert f"only staff of {alice.authority.name_en};" in str(caught.value) and "carol" in str(caught.value)
    # alice's list without bob does not remove bob: he is OIPC-BC's to unassign.
    investigation_set_assignees(actor=alice, investigation=assigned, assignees=[alice])
    assert names(assigned) == {"alice", "bob"}


def test_the_page_offers_only_ones_own_colleagues_and_legal_staff_may_use_it(
    client: Client, assigned: Investigation, carol: User, bob: User
) -> None:
    client.force_login(carol)  # legal staff of a participating authority, not assigned
    url = reverse("casework:assignees_edit", args=[assigned.reference])
    page = client.get(url).content.decode()
    assert "carol" in page and "alice" in page  # alice shown as assigned by OPC, not offered
    assert (
        f'value="{bob.pk}"' in page
        and 'name="assignees" value="' + str(assigned.assignees.get(username="alice").pk) not in page
    )
    # An empty POST (the finding): only BC's own assignments change.
    response = client.post(url, {})
    assert response.status_code == 302
    assert names(assigned) == {"alice"}


def test_a_manager_may_not_assign(client: Client, ref: Ref, assigned: Investigation) -> None:
    manager = User.objects.create_user(username="mia", authority=ref.oipc_bc, is_manager=True)
    client.force_login(manager)
    assert client.get(reverse("casework:assignees_edit", args=[assigned.reference])).status_code == 403

from casework.models import Investigation


def test_it_opens_a_joint_investigation(joint_investigation: Investigation) -> None:
    assert joint_investigation.participations.count() == 2
    assert joint_investigation.history.count() >= 1
    assert joint_investigation.history.first().history_user.username == "alice"

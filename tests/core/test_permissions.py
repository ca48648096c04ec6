"""The collaboration policy (projects/core/permissions.py): the registry of named permissions the
features declare, and how the policy answers with a permission's role level and its instance rule."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from projects.core.permissions import Action, PermissionRegistry, policy, registry
from tests.factories import make_user

FEATURES = {
    "core",
    "reports",
    "budget",
    "state_aid",
    "memo",
    "publication",
    "archive",
    "checklists",
    "agreements",
    "form_choice",
    "principles",
    "phases",
    "stakeholders",
    "goals",
    "meetings",
    "evaluation",
    "security",
    "transfer",
    "screening",
}


def test_every_feature_declares_its_permissions():
    assert {perm.name.split(".")[0] for perm in registry} == FEATURES
    assert all(perm.description and perm.level in set(Action) for perm in registry)


def test_a_permission_is_named_by_its_feature_and_declared_once():
    own = PermissionRegistry()
    own.register("prov.gora", "göra något", Action.EDIT)
    with pytest.raises(ImproperlyConfigured):
        own.register("prov.gora", "en gång till", Action.EDIT)
    with pytest.raises(ImproperlyConfigured):
        own.register("utan_funktion", "namnet saknar sin funktion", Action.VIEW)
    with pytest.raises(ImproperlyConfigured):
        registry["goals.finns_inte"]


def test_an_archived_collaboration_allows_reading_unless_the_permission_says_otherwise():
    own = PermissionRegistry()
    assert own.register("prov.lasa", "läsa", Action.VIEW).archived
    assert not own.register("prov.skriva", "skriva", Action.EDIT).archived
    assert not own.register("prov.farhaga", "ta upp en farhåga", Action.VIEW, archived=False).archived
    assert own.register("prov.exportera", "exportera", Action.MANAGE, archived=True).archived


def test_the_policy_asks_the_role_level_and_with_an_object_its_rule(people):
    from projects.goals.models import Measurement
    from projects.goals.permissions import DELETE_MEASUREMENT

    collaboration, users = people
    theirs = Measurement(party=users["editor"].memberships.get().party)
    others = Measurement(party=users["coordinator"].memberships.get().party)

    def may(role, obj=None):
        return policy.user_has_permission(users[role], DELETE_MEASUREMENT, collaboration, obj)

    # Without an object: the role level (may the person remove any measurement at all).
    assert [may(role) for role in ("reader", "editor", "coordinator")] == [False, True, True]
    # With one: the recording party's writers, or a coordinator.
    assert may("editor", theirs) and not may("editor", others)
    assert may("coordinator", others) and not may("reader", theirs)
    assert policy.user_has_permission(users["editor"], "goals.delete_measurement", collaboration, theirs)
    assert not policy.user_has_permission(make_user("Olle Utomstående"), "core.view", collaboration)

    collaboration.archived = True
    assert not may("coordinator", others)
    assert policy.user_has_permission(users["reader"], "core.view", collaboration)
    assert not policy.user_has_permission(users["reader"], "principles.raise_concern", collaboration)
    assert policy.user_has_permission(users["coordinator"], "transfer.export", collaboration)
    assert policy.user_has_permission(users["editor"], DELETE_MEASUREMENT, collaboration, theirs, ignore_archived=True)


def test_the_writing_group_writes_the_agreement(people):
    from projects.agreements import services as agreements
    from projects.agreements.permissions import WRITE_SECTION

    collaboration, users = people
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])

    def writers():
        return [
            role
            for role in ("reader", "editor", "coordinator")
            if policy.user_has_permission(users[role], WRITE_SECTION, collaboration, agreement)
        ]

    assert writers() == ["editor", "coordinator"]  # no group chosen: everyone who writes
    agreements.set_writers(agreement, user=users["coordinator"], memberships=[users["reader"].memberships.get()])
    assert writers() == ["coordinator"]  # a reader in the group still does not write; coordinators always do
    agreements.set_writers(agreement, user=users["coordinator"], memberships=[users["editor"].memberships.get()])
    assert writers() == ["editor", "coordinator"]


def test_each_party_speaks_for_itself(people):
    from projects.agreements.permissions import RECORD_DECISION
    from projects.checklists.permissions import EDIT_ANSWER

    collaboration, users = people
    civil = users["editor"].memberships.get().party
    kommun = users["coordinator"].memberships.get().party
    for perm in (RECORD_DECISION, EDIT_ANSWER):
        assert policy.user_has_permission(users["editor"], perm, collaboration, civil)
        assert not policy.user_has_permission(users["editor"], perm, collaboration, kommun)
        assert not policy.user_has_permission(users["reader"], perm, collaboration, civil)
    # A joint answer belongs to no party: the role level decides.
    assert policy.user_has_permission(users["editor"], EDIT_ANSWER, collaboration, None)


def test_the_roles_a_permission_needs(people):
    collaboration, users = people
    assert policy.roles_for("agreements.write_section") == ["editor", "coordinator"]
    assert policy.roles_for("core.view") == ["reader", "editor", "coordinator"]
    assert policy.roles_for("core.manage_people") == ["coordinator"]
    assert list(policy.collaborations_for(users["reader"])) == [collaboration]
    assert not policy.collaborations_for(users["reader"], "goals.edit").exists()
    collaboration.archived = True
    collaboration.save()
    assert list(policy.collaborations_for(users["coordinator"], "transfer.export")) == [collaboration]
    assert not policy.collaborations_for(users["coordinator"], "core.manage_parties").exists()

"""The schema of the export file (projects.transfer.schema) decides every field: each concrete field of
every model under a collaboration is exported or excluded with a reason (like Zulip's
NON_EXPORTED_TABLES), so that a field added to a model without a decision fails here; and every error
pydantic reports on a document has its message in Swedish."""

import pytest
from django.db import models
from pydantic import ValidationError

from projects.core.models import Collaboration
from projects.stakeholders.models import Risk
from projects.transfer import schema


def nodes(node=schema.DOCUMENT):
    yield node
    for nested in node.nested.values():
        yield from nodes(nested)
    for child in node.children:
        yield from nodes(child)


def undecided():
    """The fields ("Model.field") of the exported models that are neither exported nor excluded."""
    missing = []
    for node in nodes():
        model = node.model
        decided = {*node.fields, *node.nested, *node.actor, *schema.EXCLUDED.get(model, {}), model._meta.pk.name}
        decided.add(node.parent)  # the row's place in the document
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if f.name not in decided:
                missing.append(f"{model.__name__}.{f.name}")
    return missing


def test_every_field_of_an_exported_model_is_exported_or_excluded_with_a_reason():
    assert undecided() == []


def test_a_field_added_without_a_decision_fails(monkeypatch):
    added = models.CharField(max_length=10, blank=True)
    added.set_attributes_from_name("added")
    monkeypatch.setattr(Risk._meta, "concrete_fields", (*Risk._meta.concrete_fields, added))
    assert undecided() == ["Risk.added"]


def under(model=Collaboration, seen=None):
    """Every model whose rows hang off a collaboration (reverse foreign keys, down from the exported ones)."""
    seen = set() if seen is None else seen
    seen.add(model)
    for relation in model._meta.related_objects:
        related = relation.related_model
        if not relation.many_to_many and related not in seen:
            seen.add(related) if related in schema.EXCLUDED_MODELS else under(related, seen)
    return seen


def test_every_model_under_a_collaboration_is_exported_or_excluded_with_a_reason():
    exported = {node.model for node in nodes()}
    assert under() - exported - set(schema.EXCLUDED_MODELS) == set()
    assert not exported & set(schema.EXCLUDED_MODELS)
    assert all(len(reason) > 10 for reason in schema.EXCLUDED_MODELS.values())


def test_exclusions_name_fields_that_exist_and_are_not_exported_and_say_why():
    exported = {node.model: node for node in nodes()}
    for model, fields in schema.EXCLUDED.items():
        for name, reason in fields.items():
            model._meta.get_field(name)  # FieldDoesNotExist when it was renamed or removed
            assert name not in exported[model].fields and len(reason) > 10, (model, name)


def test_what_a_new_period_carries_names_fields_of_the_model():
    for node in nodes():
        for name in node.carry.fields if node.carry else ():
            node.field(name)


BAD = [None, True, -1, 2**40, 1.5, "", " ", "x" * 60_000, "a\x00b", "\ud800", "2024-13-45", [], [1], {}, {"a": 1}]


@pytest.mark.parametrize("node", list(nodes()), ids=lambda node: f"{node.model.__name__}")
def test_every_error_on_a_row_has_a_swedish_message(node):
    keys = [*schema.model(node).model_fields]
    types = set()
    for value in BAD:
        for row in ({}, dict.fromkeys(keys, value)):
            try:
                schema.model(node).model_validate(row)
            except ValidationError as error:
                types |= {e["type"] for e in error.errors()}
                assert all(schema.message(e) != e["msg"] for e in error.errors())
    assert types <= set(schema.ERRORS), types - set(schema.ERRORS)


def test_error_locations_read_as_in_the_document():
    assert schema.where(("parties", 0, "organisation", "org_number")) == "parties[0].organisation.org_number"
    assert schema.where(("goals", 0, "indicators", 1, "measurements", 2)) == "goals[0].indicators[1].measurements[2]"
    error = {"type": "string_too_long", "ctx": {"max_length": 200}, "input": "x" * 201, "msg": "-"}
    assert schema.message(error) == "får vara högst 200 tecken (är 201)."

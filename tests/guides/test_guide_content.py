"""The guide content: complete against the counts made by reading the guides, and loaded by a
loader that updates in place, retires instead of deleting, and names file and key in its errors."""

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from guides import models as m
from guides.loader import FixtureError, load

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

# Counted by reading ../shared/guides/ (see fixtures/guides/COUNTS.md for how):
# questions, tips, next steps ("Kom vidare"), principle entries, text, list items.
EXPECTED = {
    "halland": {"question": 15, "tip": 0, "next_step": 0, "principle": 0, "text": 9, "list_item": 11},
    "mucf": {"question": 102, "tip": 37, "next_step": 50, "principle": 11, "text": 2, "list_item": 0},
    "sjustegs": {"question": 15, "tip": 23, "next_step": 0, "principle": 0, "text": 71, "list_item": 54},
    "forum": {"question": 7, "tip": 2, "next_step": 0, "principle": 0, "text": 28, "list_item": 5},
}
KIND_COLUMNS = ["question", "tip", "next_step", "principle", "text", "list_item"]


@pytest.mark.parametrize("guide", sorted(EXPECTED))
def test_every_item_of_each_guide_is_there(guide):
    counts = {
        kind: m.Item.objects.current().filter(section__guide__slug=guide, kind=kind).count() for kind in KIND_COLUMNS
    }
    assert counts == EXPECTED[guide]


def _counts_per_section():
    """Rows of COUNTS.md: section slug -> counts by kind."""
    rows = {}
    for line in (FIXTURES / "guides" / "COUNTS.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-z0-9-]+)` \|[^|]*\|" + r"\s*(\d+)\s*\|" * 7, line)
        if match:
            numbers = [int(n) for n in match.groups()[1:7]]
            rows[match.group(1)] = dict(zip(KIND_COLUMNS, numbers, strict=True))
    return rows


def test_every_section_has_the_counted_items():
    expected = _counts_per_section()
    assert len(expected) == m.Section.objects.current().count() > 50
    for slug, counts in expected.items():
        section = m.Section.objects.get(slug=slug)
        actual = {kind: section.items.current().filter(kind=kind).count() for kind in KIND_COLUMNS}
        assert actual == counts, slug


def test_reference_data_is_complete():
    assert list(m.Principle.objects.values_list("slug", flat=True)) == [
        "sjalvstandighet-och-oberoende",
        "dialog",
        "kvalitet",
        "langsiktighet",
        "oppenhet-och-insyn",
        "mangfald",
    ]
    assert m.CollaborationForm.objects.count() == 11
    assert set(
        m.CollaborationForm.objects.filter(category__slug="gora-tillsammans").values_list("slug", flat=True)
    ) == {"projektmedel", "verksamhetsstod", "organisationsstod", "uppdrag-upphandling", "iop"}
    assert list(m.Level.objects.values_list("slug", flat=True)) == ["information", "samrad", "dialog", "partnerskap"]
    assert m.DecisionPhase.objects.count() == 6
    assert m.ReferenceEntry.objects.filter(reference_list__slug="coe-gemensamma-insatser").count() == 5
    iop = m.AgreementTemplate.objects.get(slug="iop-rubriker")
    assert iop.headings.count() == 15
    halland = m.AgreementTemplate.objects.get(slug="halland-formulera-foljande")
    assert halland.headings.filter(parent__isnull=True).count() == 9
    assert halland.headings.filter(parent__isnull=False).count() == 3
    table = m.ReferenceList.objects.get(slug="finansiering-jamforelse")
    assert table.entries.count() == 5 and len(table.extra["columns"]) == 3
    assert m.ReferenceEntry.objects.filter(reference_list__slug="bidragsformer").count() == 3
    conditions = m.ReferenceEntry.objects.filter(reference_list__slug="iop-villkor")
    assert conditions.filter(kind="fits").count() == 9 and conditions.filter(kind="does_not_fit").count() == 3
    assert m.ReferenceEntry.objects.filter(reference_list__slug="innovationsprocessen").count() == 6
    assert m.ReferenceEntry.objects.filter(reference_list__slug="langsiktighet-tank-pa").count() == 8
    assert m.ReferenceEntry.objects.filter(reference_list__slug="smarta-mal").count() == 5


def test_text_is_swedish_as_in_the_guide():
    item = m.Item.objects.get(slug="mucf-forutsattningar-q01")
    assert item.text == (
        "Hur säkerställer vi att vi har tillräckliga förutsättningar för att gå in i samverkan med civilsamhället?"
    )
    source = FIXTURES.parent.parent / "shared" / "guides" / "mucf-samverkansmodell.txt"
    if source.exists():
        assert item.text in source.read_text(encoding="utf-8")


def test_no_hyphenation_damage_left():
    broken = m.Item.objects.filter(text__regex=r"[a-zåäö]- [a-zåäö]{3,}").exclude(text__regex=r"[a-zåäö]- (och|eller) ")
    assert not broken.exists(), list(broken.values_list("slug", "text")[:3])


def test_every_item_keeps_its_source():
    assert not m.Item.objects.filter(section__isnull=True).exists()
    assert not m.Guide.objects.filter(attribution="").exists()
    assert not m.CollaborationForm.objects.filter(sources=[]).exists()


# The loader --------------------------------------------------------------------------------


@pytest.fixture
def fixtures_copy(tmp_path):
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    return target


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_loading_again_changes_nothing(fixtures_copy):
    before = {model: model.objects.count() for model in (m.Item, m.Section, m.Principle, m.ReferenceEntry)}
    report = load(fixtures_copy)
    assert not any(report.created.values()) and not any(report.updated.values()) and not any(report.retired.values())
    assert before == {model: model.objects.count() for model in before}


def test_a_corrected_text_updates_in_place(fixtures_copy):
    item = m.Item.objects.get(slug="mucf-forutsattningar-q01")
    edit(
        fixtures_copy / "guides" / "mucf.yaml",
        "Hur säkerställer vi att vi har",
        "Hur säkerställer vi att vi verkligen har",
    )
    report = load(fixtures_copy)
    assert report.updated["punkter"] == 1
    updated = m.Item.objects.get(slug="mucf-forutsattningar-q01")
    assert updated.pk == item.pk and "verkligen" in updated.text


def test_a_removed_item_is_retired_not_deleted_and_still_referenced(fixtures_copy):
    text = m.PrincipleText.objects.exclude(item=None).select_related("item").first()
    slug = text.item.slug
    path = next(p for p in (fixtures_copy / "guides").glob("*.yaml") if f"slug: {slug}\n" in p.read_text())
    content = path.read_text(encoding="utf-8")
    # Remove the item block (from its slug line to the next item), and its reference in principles.yaml.
    content = re.sub(rf"\n( *)- slug: {slug}\n(?:\1  .*\n|\1    .*\n|\n)*", "\n", content, count=1)
    path.write_text(content, encoding="utf-8")
    edit(fixtures_copy / "reference" / "principles.yaml", f"item: {slug}", "item: null")
    item_pk = text.item.pk
    load(fixtures_copy)
    item = m.Item.objects.get(pk=item_pk)
    assert item.retired and item.slug == slug
    assert item not in m.Item.objects.current()


def test_a_retired_section_page_still_opens_with_a_notice(client, fixtures_copy):
    from tests.factories import make_user

    m.Section.objects.filter(slug="mucf-status").update(retired=True)
    client.force_login(make_user())
    response = client.get("/guider/mucf/mucf-status/")
    assert response.status_code == 200 and "finns inte längre i guiden" in response.content.decode()


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        ("guides/mucf.yaml", "slug: mucf-status-q02", "slug: mucf-status-q01", "mucf-status-q01"),
        ("guides/mucf.yaml", "principle: dialog", "principle: samtal", "'samtal' does not resolve"),
        ("guides/mucf.yaml", "kind: question", "kind: fraga", "kind must be one of"),
        ("guides/halland.yaml", "guide:\n", "guide: [\n", "not valid YAML"),
        ("reference/forms.yaml", "category: gora-tillsammans", "category: okand", "'okand' does not resolve"),
    ],
)
def test_broken_fixtures_give_clear_errors_and_load_nothing(fixtures_copy, file, old, new, message):
    edit(fixtures_copy / file, old, new)
    m.Item.objects.filter(slug="mucf-status-q03").update(text="oförändrad")
    with pytest.raises(FixtureError) as error:
        load(fixtures_copy)
    assert message in str(error.value)
    assert f"fixtures/{file}" in str(error.value)
    assert m.Item.objects.get(slug="mucf-status-q03").text == "oförändrad"


def test_empty_section_is_refused(fixtures_copy):
    edit(fixtures_copy / "guides" / "forum.yaml", "see_also:", "unused_see_also:")
    path = fixtures_copy / "guides" / "forum.yaml"
    content = path.read_text(encoding="utf-8")
    path.write_text(content, encoding="utf-8")
    import yaml

    data = yaml.safe_load(content)
    data["sections"].append({"slug": "forum-tomt", "kind": "chapter", "title": "Tomt"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FixtureError, match=r"forum-tomt.*empty"):
        load(fixtures_copy)


def test_command_reports_errors_as_command_error(fixtures_copy):
    edit(fixtures_copy / "guides" / "mucf.yaml", "kind: question", "kind: fraga")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_guides", dir=fixtures_copy, verbosity=0)


def test_an_entry_that_is_not_a_mapping_is_named(fixtures_copy):
    edit(fixtures_copy / "reference" / "forms.yaml", "forms:\n", "forms:\n  - just a string\n")
    with pytest.raises(FixtureError, match=r"fixtures/reference/forms.yaml: forms\[0\]: must be a mapping"):
        load(fixtures_copy)


def test_a_text_edited_in_the_admin_is_kept_by_the_loader(fixtures_copy):
    m.Item.objects.filter(slug="mucf-status-q01").update(text="Rättad i admin", edited_in_admin=True)
    edit(fixtures_copy / "guides" / "mucf.yaml", "slug: mucf-status-q01", "slug: mucf-status-q01")
    report = load(fixtures_copy)
    assert m.Item.objects.get(slug="mucf-status-q01").text == "Rättad i admin"
    assert report.kept["punkter"] == 1
    m.Item.objects.filter(slug="mucf-status-q01").update(edited_in_admin=False)
    load(fixtures_copy)
    assert m.Item.objects.get(slug="mucf-status-q01").text != "Rättad i admin"


def test_saving_in_the_admin_marks_the_row(client):
    from django.urls import reverse

    from tests.factories import make_user

    client.force_login(make_user("Stina Staff", is_staff=True, is_superuser=True))
    item = m.Item.objects.get(slug="mucf-status-q02")
    url = reverse("admin:guides_item_change", args=[item.pk])
    data = {
        "section": item.section_id,
        "kind": item.kind,
        "order": item.order,
        "title": item.title,
        "text": "Ny lydelse",
        "group": item.group,
        "links": "[]",
        "sources": "[]",
        "extra": "{}",
        "principle": "",
        "search_text": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.text == "Ny lydelse" and item.edited_in_admin


# The form-choice rules (fixtures/rules/form_choice.yaml) ------------------------------------------

RULES = "rules/form_choice.yaml"


def _rules_error(fixtures, fragment, message):
    """Load ``fixtures``: it fails, nothing is written, and one line of the error is
    ``fixtures/rules/form_choice.yaml: <where, containing fragment>: <message>``."""
    m.Item.objects.filter(slug="mucf-status-q03").update(text="oförändrad")
    with pytest.raises(FixtureError) as error:
        load(fixtures)
    lines = [line for line in str(error.value).splitlines() if message in line]
    assert lines, str(error.value)
    assert lines[0].startswith(f"fixtures/{RULES}: ") and f"{fragment}: {message}" in lines[0], lines[0]
    assert m.Item.objects.get(slug="mucf-status-q03").text == "oförändrad"


@pytest.mark.parametrize(
    "old, new, fragment, message",
    [
        (
            "{form: iop, points: 3, reason: iop-initiativ}",
            "{form: iopp, points: 3, reason: iop-initiativ}",
            ".forms[0] (initiativ: ideburen)",
            "form 'iopp' does not resolve to any samverkansform in the fixtures",
        ),
        (
            "{form: iop, points: 3, reason: iop-initiativ}",
            "{points: 3, reason: iop-initiativ}",
            "(initiativ: ideburen)",
            "'form' is missing or not a slug",
        ),
        (
            "{form: iop, points: 3, reason: iop-initiativ}",
            "{form: tjanstedesign, points: 3, reason: iop-initiativ}",
            "(initiativ: ideburen)",
            "form 'tjanstedesign' is not one of the forms ranked",
        ),
        (
            'section: "Samråd"\n',
            'section: "Samrådet"\n',
            "(samrad)",
            "section 'Samrådet' is not a section of halland in the fixtures",
        ),
        ("guide: mucf\n", "guide: mucff\n", "(mucf-iop)", "guide 'mucff' does not resolve to any guide"),
        (
            "{form: iop, points: 3, reason: iop-initiativ}",
            "{form: iop, points: 30, reason: iop-initiativ}",
            "(initiativ: ideburen)",
            "points must be a whole number from -10 to 10, not 30",
        ),
        (
            "{form: iop, points: 3, reason: iop-initiativ}",
            "{form: iop, points: 2.5, reason: iop-initiativ}",
            "(initiativ: ideburen)",
            "points must be a whole number from -10 to 10, not 2.5",
        ),
        (
            "{form: iop, points: 3, reason: iop-initiativ}",
            "{form: iop, points: 3, reason: iop-initiativet}",
            "(initiativ: ideburen)",
            "reason 'iop-initiativet' is not the key of any quote",
        ),
        (
            "{form: iop, points: 3, reason: iop-initiativ}",
            "{form: iop, points: 3, reason: iop-initiativ, decisive: true}",
            "(initiativ: ideburen)",
            "'decisive: true' goes with a warning only",
        ),
        (
            "shown_at: {forms_page: samrad}",
            "shown_at: {forms_page: samradet}",
            "(samrad)",
            "shown_at: forms_page 'samradet' is not an id on the forms page",
        ),
        (
            "    sections: [mucf-lagar, mucf-rollfordelning]",
            "    sections: [mucf-lagar, sjustegs-steg-3-iop]",
            "(uppdrag-upphandling)",
            "section 'sjustegs-steg-3-iop' has no questions to offer as a checklist",
        ),
        (
            "    sections: [forum-samverkanskarta]",
            "    sections: [forum-okand]",
            "(samrad)",
            "section 'forum-okand' does not resolve to any avsnitt",
        ),
        (
            '          en: "Yes, companies or others sell that service"\n',
            "",
            "(ja)",
            "'label' needs exactly the languages sv, en",
        ),
    ],
)
def test_broken_form_choice_rules_give_clear_errors_and_load_nothing(fixtures_copy, old, new, fragment, message):
    edit(fixtures_copy / RULES, old, new)
    _rules_error(fixtures_copy, fragment, message)


def test_a_question_without_answers_is_refused(fixtures_copy):
    import yaml

    path = fixtures_copy / RULES
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"][2]["answers"] = []
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _rules_error(fixtures_copy, "questions[2] (initiativ)", "the question has no answers")


def test_the_app_reads_only_a_well_formed_rules_file(fixtures_copy):
    from guides.loader import read_form_choice

    assert read_form_choice()["questions"]  # the shipped file
    edit(fixtures_copy / RULES, "points: 3, reason: iop-initiativ", "points: '3', reason: iop-initiativ")
    with pytest.raises(FixtureError, match=r"fixtures/rules/form_choice.yaml: questions\[2\]\.answers\[0\]\.forms"):
        read_form_choice(fixtures_copy)


def test_command_reports_rules_errors_as_command_error(fixtures_copy):
    edit(fixtures_copy / RULES, 'section: "Samråd"\n', 'section: "Samrådet"\n')
    with pytest.raises(CommandError, match=r"(?s)nothing was loaded.*rules/form_choice.yaml: quotes\[\d+\] \(samrad\)"):
        call_command("load_guides", dir=fixtures_copy, verbosity=0)


AGREEMENT_RULES = "rules/agreement.yaml"


@pytest.mark.parametrize(
    "old, new, where, message",
    [
        ("  iop-rubriker:\n    - iop-rubrik-bakgrund\n", "  iop-rubriker:\n    - iop-rubrik-bakgrunden\n",
         r"required.iop-rubriker\[0\]", "'iop-rubrik-bakgrunden' is not a heading of 'iop-rubriker'"),
        ("  forms: [samrad, dialogmoten, dialog]", "  forms: [samrad, dialogmoten, dialogen]",
         r"short.forms\[2\]", "form 'dialogen' does not resolve to any samverkansform"),
        ("  iop-rubrik-malgruppen: [mucf-malgrupp]", "  iop-rubrik-malgruppen: [mucf-malgrupper]",
         r"prefill.iop-rubrik-malgruppen\[0\]", "section 'mucf-malgrupper' is no guide section with questions"),
        ('title: {sv: "Syfte", en: "Purpose"}', 'title: {sv: "Syfte"}', r"short.sections.0.title.en", "Field required"),
        ("prefill:\n", "prefil:\n", "prefil", "Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_broken_agreement_rules_give_clear_errors_and_load_nothing(fixtures_copy, old, new, where, message):
    edit(fixtures_copy / AGREEMENT_RULES, old, new)
    with pytest.raises(FixtureError, match=rf"fixtures/rules/agreement.yaml: {where}: {re.escape(message)}"):
        load(fixtures_copy)


def test_the_app_reads_the_agreement_rules_from_the_fixtures(fixtures_copy):
    from guides.loader import read_agreement_rules
    from projects.agreements.services import rules

    assert rules().required["kort"] == ["kort-syfte", "kort-deltagare", "kort-motesformer"]
    assert rules().prefill["iop-rubrik-ekonomi"] == ["halland-resurser"]
    edit(fixtures_copy / AGREEMENT_RULES, "  kort: [kort-syfte", "  kort: [[kort-syfte")
    with pytest.raises(FixtureError, match=r"fixtures/rules/agreement.yaml: line \d+: not valid YAML"):
        read_agreement_rules(fixtures_copy)

"""The guides' content: four guides as a tree of sections with items, and the reference data the
whole app uses. Loaded from fixtures/ by ``manage.py load_guides``; everything has a stable slug
that other data points at. Content that disappears from the fixtures is marked ``retired``,
never deleted."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PUBLIC = "public", _("Offentliga aktörer")
    CIVIL_SOCIETY = "civil_society", _("Idéburna organisationer")
    BOTH = "both", _("Alla parter")


class AnswerMode(models.TextChoices):
    JOINT = "joint", _("Gemensamt svar")
    PER_PARTY = "per_party", _("Varje part svarar")


class ContentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired=False)


class Content(models.Model):
    """Common fields: a stable key, an order, and retirement instead of deletion."""

    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(
        _("utgången"), default=False, help_text=_("Finns inte längre i guiden men behålls för det som pekar hit.")
    )
    sources = models.JSONField(default=list, blank=True, help_text="[{guide, section}] where this came from")
    extra = models.JSONField(default=dict, blank=True, help_text="Further fields of the fixture, kept as data.")
    edited_in_admin = models.BooleanField(
        _("ändrad i admin"),
        default=False,
        help_text=_(
            "Personalen har ändrat texten: load_guides behåller den i stället för fixturens. "
            "Ta bort markeringen för att ta fixturens text igen."
        ),
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def natural_key(self):
        return (self.slug,)


SHORT_NAMES = {"halland": "Halland", "mucf": "MUCF", "sjustegs": "7 steg", "forum": "Forum"}


class Guide(Content):
    title = models.CharField(_("titel"), max_length=300)
    publisher = models.CharField(_("utgivare"), max_length=300)
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    audience = models.CharField(_("målgrupp"), max_length=20, choices=Audience.choices)
    subtitle = models.CharField(_("undertitel"), max_length=300, blank=True)
    source_file = models.CharField(max_length=200, blank=True)
    attribution = models.TextField(_("källa"), blank=True)
    credits = models.TextField(blank=True)

    class Meta(Content.Meta):
        verbose_name = _("guide")
        verbose_name_plural = _("guider")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guides:guide", args=[self.slug])

    @property
    def short_name(self):
        """The name people use for the guide: the publisher's short form."""
        return SHORT_NAMES.get(self.slug, self.publisher)


class Section(Content):
    class Kind(models.TextChoices):
        PHASE = "phase", _("Fas")
        STEP = "step", _("Steg")
        SUBHEADING = "subheading", _("Underrubrik")
        CHAPTER = "chapter", _("Kapitel")

    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="sections")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=300)
    subtitle = models.CharField(_("undertitel"), max_length=300, blank=True)
    intro = models.TextField(_("inledning"), blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, blank=True)
    answer_mode = models.CharField(max_length=20, choices=AnswerMode.choices, default=AnswerMode.JOINT)
    decision_phase = models.ForeignKey(
        "DecisionPhase", on_delete=models.PROTECT, null=True, blank=True, related_name="sections"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    sequence = models.PositiveIntegerField(default=0, help_text="Position in the guide, depth first: for prev/next.")

    class Meta(Content.Meta):
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")
        ordering = ["guide__order", "sequence"]
        indexes = [models.Index(fields=["guide", "sequence"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guides:section", args=[self.guide.slug, self.slug])


class Item(Content):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Fråga att diskutera")
        TIP = "tip", _("Tänk på!")
        NEXT_STEP = "next_step", _("Kom vidare")
        PRINCIPLE = "principle", _("Ta stöd i principerna")
        TEXT = "text", _("Text")
        LIST_ITEM = "list_item", _("Punkt")

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    group = models.CharField(_("grupp"), max_length=300, blank=True)
    principle = models.ForeignKey("Principle", on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    links = models.JSONField(default=list, blank=True)
    search_text = models.TextField(blank=True, editable=False, help_text="Lower-cased text for the SQLite search.")

    class Meta(Content.Meta):
        verbose_name = _("punkt")
        verbose_name_plural = _("punkter")
        indexes = [models.Index(fields=["section", "order"])]

    def __str__(self):
        return self.title or self.text[:80]

    def save(self, *args, **kwargs):
        self.search_text = f"{self.title}\n{self.text}".lower()
        if kwargs.get("update_fields") is not None and "text" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Principle(Content):
    name = models.CharField(_("namn"), max_length=100)

    class Meta(Content.Meta):
        verbose_name = _("princip")
        verbose_name_plural = _("principer")

    def __str__(self):
        return self.name


class PrincipleText(models.Model):
    """What one guide says of a principle (replaced as a whole when the content is reloaded:
    nothing points at these rows)."""

    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="texts")
    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=300, blank=True)
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["principle", "order"]

    def __str__(self):
        return f"{self.principle}: {self.text[:60]}"


class FormCategory(Content):
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)

    class Meta(Content.Meta):
        verbose_name = _("kategori av samverkansformer")
        verbose_name_plural = _("kategorier av samverkansformer")

    def __str__(self):
        return self.name


class CollaborationForm(Content):
    """A form of collaboration (samverkansform) or a method MUCF adds."""

    category = models.ForeignKey(FormCategory, on_delete=models.PROTECT, related_name="forms")
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(max_length=100, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    suits = models.TextField(_("passar"), blank=True)
    not_suits = models.TextField(_("passar inte"), blank=True)
    expectations = models.TextField(_("förväntningar"), blank=True)
    other_texts = models.JSONField(
        default=list, blank=True, help_text="What the other guides say of it: [{guide, section, text}]"
    )

    class Meta(Content.Meta):
        verbose_name = _("samverkansform")
        verbose_name_plural = _("samverkansformer")

    def __str__(self):
        return self.name


# The names of the code's levels and phases as the fixtures give them (fixtures/reference/coe.yaml),
# marked for makemessages: ``label`` shows a name in the reader's language (a name changed in the
# admin has no translation and is shown as it is).
CODE_NAMES = (
    gettext_noop("Information"),
    gettext_noop("Samråd"),
    gettext_noop("Dialog"),
    gettext_noop("Partnerskap"),
    gettext_noop("Agendasättning"),
    gettext_noop("Formulering"),
    gettext_noop("Beslut"),
    gettext_noop("Genomförande"),
    gettext_noop("Uppföljning"),
    gettext_noop("Omformulering"),
)


class Level(Content):
    """A level of participation in the Council of Europe code."""

    name = models.CharField(_("namn"), max_length=100)
    description = models.TextField(blank=True)

    class Meta(Content.Meta):
        verbose_name = _("nivå")
        verbose_name_plural = _("nivåer")

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The name in the reader's language."""
        return gettext(self.name) if self.name else ""


class DecisionPhase(Content):
    """A phase of a decision process in the Council of Europe code."""

    name = models.CharField(_("namn"), max_length=100)
    names = models.JSONField(default=dict, blank=True, help_text="The name each guide uses: {guide slug: name}")
    description = models.TextField(blank=True)

    class Meta(Content.Meta):
        verbose_name = _("fas i beslutsprocessen")
        verbose_name_plural = _("faser i beslutsprocessen")

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The name in the reader's language."""
        return gettext(self.name) if self.name else ""


class ReferenceList(Content):
    """A titled list or table from the guides: the joint-effort steps, the kinds of grant, when an
    IOP fits, the innovation process, the long-term checklist, SMART goals, stakeholder mapping,
    the financing comparison (a table: ``extra["columns"]``), the collaboration maps."""

    title = models.CharField(_("rubrik"), max_length=300)
    intro = models.TextField(_("inledning"), blank=True)

    class Meta(Content.Meta):
        verbose_name = _("referenslista")
        verbose_name_plural = _("referenslistor")

    def __str__(self):
        return self.title


class ReferenceEntry(Content):
    reference_list = models.ForeignKey(ReferenceList, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=30, blank=True, help_text="e.g. fits / does_not_fit for IOP conditions")
    title = models.CharField(_("rubrik"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    cells = models.JSONField(default=dict, blank=True, help_text="For table rows: {column slug: text}")

    class Meta(Content.Meta):
        verbose_name = _("referenspunkt")
        verbose_name_plural = _("referenspunkter")

    def __str__(self):
        return self.title or self.text[:80]


class AgreementTemplate(Content):
    title = models.CharField(_("namn"), max_length=200)
    intro = models.TextField(blank=True)
    outro = models.TextField(blank=True)
    for_forms = models.ManyToManyField(CollaborationForm, blank=True, related_name="templates")

    class Meta(Content.Meta):
        verbose_name = _("mall för överenskommelse")
        verbose_name_plural = _("mallar för överenskommelse")

    def __str__(self):
        return self.title


class TemplateHeading(Content):
    template = models.ForeignKey(AgreementTemplate, on_delete=models.PROTECT, related_name="headings")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    title = models.CharField(_("rubrik"), max_length=300)
    guidance = models.TextField(_("vägledning"), blank=True)

    class Meta(Content.Meta):
        verbose_name = _("rubrik i mall")
        verbose_name_plural = _("rubriker i mall")

    def __str__(self):
        return self.title

"""Forms of the meetings: a meeting with its participants, the minutes, an approval, a decision,
the date by which the minutes are to be approved."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from projects.common.forms import DATE_WIDGET, DeadlineForm, IdsChoiceField, LineBreakCharField
from projects.core.models import Membership
from projects.meetings.models import LoggedDecision, Meeting

MAX_VERSION = 2**31 - 1
MAX_GUESTS = 50
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DATETIME_ERROR = _("Ange datum och tid som 2026-11-22 18:00.")
VERSION_ERROR = _("Sidan saknar protokollets version. Ladda om sidan.")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _datetime_field(label):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        error_messages={"required": DATETIME_ERROR, "invalid": DATETIME_ERROR},
    )


def style_fields(form):
    """Bootstrap classes on the widgets; invalid fields marked and tied to their message."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if name in (form._errors or {}):
            css += " is-invalid"
            described = [f"id_{form.add_prefix(name)}_error"]
            if field.help_text:
                described.append(f"id_{form.add_prefix(name)}_helptext")
            widget.attrs["aria-describedby"] = " ".join(described)
        widget.attrs["class"] = css


class StyledForm:
    """Mixed into the forms here: styled when made, and again (invalid fields) when validated."""

    def full_clean(self):
        super().full_clean()
        style_fields(self)


class MemberChoiceField(IdsChoiceField):
    def label_from_instance(self, membership):
        return membership.user.get_full_name()


class MeetingForm(StyledForm, forms.ModelForm):
    """A meeting and who takes part: members ticked per party, and per party the names of people
    without an account (one per line, field ``guests_<party pk>``)."""

    starts_at = _datetime_field(_("Börjar"))
    ends_at = _datetime_field(_("Slutar"))
    link = forms.URLField(
        label=_("Länk till digitalt möte"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Ange en hel webbadress, till exempel https://möte.example.se/123.")},
    )
    members = MemberChoiceField(
        label=_("Deltagare med konto"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Välj deltagare bland personerna i samverkans parter."),
            "invalid_pk_value": _("Välj deltagare bland personerna i samverkans parter."),
            "invalid_list": _("Välj deltagare bland personerna i samverkans parter."),
        },
    )

    class Meta:
        model = Meeting
        fields = ["title", "kind", "starts_at", "ends_at", "place", "link", "agenda"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "title": {
                "required": _("Ge mötet en rubrik."),
                "max_length": _("Rubriken får vara högst %(limit_value)d tecken (den är nu %(show_value)d)."),
            },
            "kind": {"invalid_choice": _("Välj ett slag av möte i listan.")},
            "place": {"max_length": _("Platsen får vara högst %(limit_value)d tecken (den är nu %(show_value)d).")},
            "agenda": {
                "max_length": _("Dagordningen får vara högst %(limit_value)d tecken (den är nu %(show_value)d).")
            },
        }

    agenda = LineBreakCharField(
        label=_("Dagordning"),
        required=False,
        max_length=Meeting._meta.get_field("agenda").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("En punkt per rad."),
        error_messages={
            "max_length": _("Dagordningen får vara högst %(limit_value)d tecken (den är nu %(show_value)d).")
        },
    )

    def __init__(self, *args, collaboration, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        self.parties = parties
        members = Membership.objects.filter(collaboration=collaboration).select_related("user", "party__organisation")
        self.fields["members"].queryset = members.order_by("party__organisation__name", "user__full_name")
        self.fields["members"].help_text = ""
        self.fields["place"].help_text = _("En plats, en länk eller båda.")
        guests = {}
        if self.instance.pk:
            chosen = []
            for participant in self.instance.participants.all():
                if participant.user_id:
                    chosen.append(participant.user_id)
                else:
                    guests.setdefault(participant.party_id, []).append(participant.name)
            self.initial["members"] = [m.pk for m in members if m.user_id in chosen]
        for party in parties:
            self.fields[f"guests_{party.pk}"] = LineBreakCharField(
                label=_("Övriga från %(party)s (utan konto), ett namn per rad") % {"party": party.organisation.name},
                required=False,
                max_length=MAX_GUESTS * 201,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial="\n".join(guests.get(party.pk, [])),
                error_messages={"max_length": _("Skriv högst %(n)d namn.") % {"n": MAX_GUESTS}},
            )
        style_fields(self)

    def member_choices_by_party(self):
        """The member checkboxes grouped by party, for the template: [(party, [bound checkbox, …])]."""
        by_value = {str(widget.data["value"]): widget for widget in self["members"]}
        groups = []
        for party in self.parties:
            boxes = [by_value[str(m.pk)] for m in self.fields["members"].queryset if m.party_id == party.pk]
            groups.append((party, boxes, self[f"guests_{party.pk}"]))
        return groups

    def _clean_moment(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not EARLIEST_YEAR <= timezone.localtime(value).year <= LATEST_YEAR:
            raise forms.ValidationError(
                _("Ange ett datum mellan år %(first)d och %(last)d.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            )
        return value

    def clean_starts_at(self):
        return self._clean_moment("starts_at")

    def clean_ends_at(self):
        return self._clean_moment("ends_at")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Mötet måste sluta efter att det börjar."))
        place_missing = not (cleaned.get("place") or "").strip() and not cleaned.get("link")
        if place_missing and "place" not in self.errors and "link" not in self.errors:
            self.add_error("place", _("Ange var mötet hålls: en plats, en länk till det digitala mötet eller båda."))
        guests = {}
        for party in self.parties:
            text = cleaned.get(f"guests_{party.pk}") or ""
            names = []
            for line in text.split("\n"):
                name = " ".join(line.split())
                if name and name not in names:
                    names.append(name)
            if any(len(name) > 200 for name in names):
                self.add_error(f"guests_{party.pk}", _("Ett namn får vara högst 200 tecken."))
            elif len(names) > MAX_GUESTS:
                self.add_error(f"guests_{party.pk}", _("Skriv högst %(n)d namn.") % {"n": MAX_GUESTS})
            elif names:
                guests[party] = names
        cleaned["guests"] = guests
        return cleaned


class MinutesForm(StyledForm, forms.Form):
    minutes = LineBreakCharField(
        label=_("Protokoll"),
        required=False,
        strip=False,
        max_length=Meeting._meta.get_field("minutes").max_length,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={
            "max_length": _("Protokollet får vara högst %(limit_value)d tecken (det är nu %(show_value)d).")
        },
    )
    version = forms.IntegerField(
        min_value=0,
        max_value=MAX_VERSION,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(["required", "invalid", "min_value", "max_value"], VERSION_ERROR),
    )


class ApproveForm(forms.Form):
    version = forms.IntegerField(
        min_value=0,
        max_value=MAX_VERSION,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(["required", "invalid", "min_value", "max_value"], VERSION_ERROR),
    )


class DecisionForm(StyledForm, forms.ModelForm):
    """A decision for the log. ``delegated``: taken between meetings ("beslut med kort varsel"),
    so who decided and on what mandate are required."""

    text = LineBreakCharField(
        label=_("Beslut"),
        max_length=LoggedDecision._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Skriv vad som beslutades."),
            "max_length": _("Beslutet får vara högst %(limit_value)d tecken (det är nu %(show_value)d)."),
        },
    )
    decided_on = forms.DateField(
        label=_("Beslutsdatum"),
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Ange beslutsdatum som 2026-11-22."),
            "invalid": _("Ange beslutsdatum som 2026-11-22."),
        },
    )

    class Meta:
        model = LoggedDecision
        fields = ["text", "decided_on", "decided_by", "mandate"]
        error_messages = {
            "decided_by": {"max_length": _("Fältet får vara högst %(limit_value)d tecken (det är nu %(show_value)d).")},
            "mandate": {"max_length": _("Fältet får vara högst %(limit_value)d tecken (det är nu %(show_value)d).")},
        }

    def __init__(self, *args, delegated, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.delegated = delegated
        self.meeting = meeting
        self.fields["decided_by"].required = delegated
        self.fields["mandate"].required = delegated
        self.fields["decided_by"].label = _("Beslutat av")
        self.fields["mandate"].label = _("Mandat")
        if delegated:
            self.fields["decided_by"].help_text = _("Vem beslutade, till exempel ordföranden i styrgruppen.")
            self.fields["mandate"].help_text = _(
                "Med vilket mandat, till exempel ”delegation från styrgruppen 2026-09-01 § 4”."
            )
            if not self.is_bound:
                self.initial["decided_on"] = timezone.localdate()
            self.fields["decided_by"].error_messages["required"] = _("Ange vem som beslutade.")
            self.fields["mandate"].error_messages["required"] = _(
                "Ett beslut med kort varsel behöver ett mandat: ange på vilket mandat det fattades."
            )
        else:
            self.fields["decided_by"].help_text = _("Lämna tomt om mötet beslutade.")
            if meeting is not None and not self.is_bound:
                self.initial["decided_on"] = min(timezone.localtime(meeting.starts_at).date(), timezone.localdate())
        style_fields(self)

    def clean_decided_on(self):
        value = self.cleaned_data["decided_on"]
        if value.year < EARLIEST_YEAR:
            raise forms.ValidationError(_("Ange ett beslutsdatum efter år %(year)d.") % {"year": EARLIEST_YEAR})
        if value > timezone.localdate():
            raise forms.ValidationError(_("Beslutsdatum kan inte ligga i framtiden."))
        return value

    def clean(self):
        cleaned = super().clean()
        for name in ("decided_by", "mandate"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = " ".join(cleaned[name].split())
        if self.meeting is not None and not cleaned.get("decided_by"):
            cleaned["decided_by"] = self.meeting.title
        return cleaned


class MinutesDueForm(DeadlineForm):
    """The date by which the participants are to have approved the minutes, set by a coordinator:
    not before the meeting's day."""

    def __init__(self, data=None, *, meeting, **kwargs):
        self.meeting = meeting
        super().__init__(
            data,
            current=meeting.minutes_due,
            label=_("Justeras senast"),
            help_text=_("Den dag då deltagarna ska ha läst och justerat protokollet."),
            auto_id="minutes-due-%s",
            **kwargs,
        )

    def clean_date(self):
        day = super().clean_date()
        meeting_day = timezone.localtime(self.meeting.starts_at).date()
        if day is not None and day != self.current and day < meeting_day:
            raise forms.ValidationError(
                _("Protokollet kan inte justeras före mötet. Välj mötesdagen (%(date)s) eller ett senare datum."),
                params={"date": formats.date_format(meeting_day, "j F Y")},
                code="before_meeting",
            )
        return day

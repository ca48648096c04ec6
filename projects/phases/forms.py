"""Forms of the phases page: a phase change (forward or back) and the collaboration map."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.core.models import Phase
from projects.phases.models import MapEntry, PhaseChange

NOTE_MAX = PhaseChange._meta.get_field("note").max_length
MAP_NOTE_MAX = MapEntry._meta.get_field("note").max_length


class PhaseChangeForm(forms.Form):
    """``fran`` is the phase the person saw when they opened the page: a change is refused if the
    phase has moved since (projects.phases.change_phase)."""

    fran = forms.ChoiceField(choices=Phase.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Kommentar"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"max_length": _("Kommentaren får vara högst %(limit_value)d tecken (nu %(show_value)d).")},
    )

    def __init__(self, *args, back=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fran"].error_messages["invalid_choice"] = _("Okänd fas. Ladda om sidan och försök igen.")
        self.fields["fran"].error_messages["required"] = _("Okänd fas. Ladda om sidan och försök igen.")
        if back:
            field = self.fields["comment"]
            field.required = True
            field.label = _("Varför går ni tillbaka? (krävs)")
            field.error_messages["required"] = _("Skriv varför ni går tillbaka till en tidigare fas.")
            field.widget.attrs["required"] = True
        else:
            self.fields["comment"].label = _("Kommentar (frivillig)")


class MapForm(forms.Form):
    """One form for the six rows of the map: per phase a planned level, an actual level (by the
    levels' slugs) and a note. Field names: ``<phase>-planned``, ``<phase>-actual``, ``<phase>-note``."""

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {level.slug: level for level in levels}
        choices = [("", _("Inte markerad"))] + [(level.slug, level.label) for level in levels]
        invalid = _("Okänd nivå. Välj en av nivåerna i listan.")
        for phase in Phase:
            for kind, label in (("planned", _("Planerad nivå")), ("actual", _("Faktisk nivå"))):
                self.fields[f"{phase.value}-{kind}"] = forms.ChoiceField(
                    label=label,
                    choices=choices,
                    required=False,
                    error_messages={"invalid_choice": invalid},
                    widget=forms.Select(attrs={"class": "form-select"}),
                )
            self.fields[f"{phase.value}-note"] = forms.CharField(
                label=_("Kommentar"),
                max_length=MAP_NOTE_MAX,
                required=False,
                error_messages={
                    "max_length": _("Kommentaren får vara högst %(limit_value)d tecken (nu %(show_value)d).")
                },
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    @classmethod
    def initial_from(cls, rows):
        initial = {}
        for row in rows:
            initial[f"{row['phase']}-planned"] = row["planned"]
            initial[f"{row['phase']}-actual"] = row["actual"]
            initial[f"{row['phase']}-note"] = row["note"]
        return initial

    def rows(self):
        """The bound fields per phase, for the template: [(phase, label, planned, actual, note)]."""
        return [
            (
                phase.value,
                phase.label,
                self[f"{phase.value}-planned"],
                self[f"{phase.value}-actual"],
                self[f"{phase.value}-note"],
            )
            for phase in Phase
        ]

    def values(self):
        """{phase: {"planned": Level|None, "actual": Level|None, "note": str}} from the cleaned data."""
        data = self.cleaned_data
        return {
            phase.value: {
                "planned": self.levels.get(data.get(f"{phase.value}-planned") or ""),
                "actual": self.levels.get(data.get(f"{phase.value}-actual") or ""),
                "note": data.get(f"{phase.value}-note", ""),
            }
            for phase in Phase
        }

"""Forms of the principles page: a formulation, a concern, its resolution, and a section's tags."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from guides.models import Principle
from projects.common.forms import LineBreakCharField
from projects.principles.models import PrincipleCommitment, PrincipleConcern

MAX_VERSION = 2**31 - 1


class CommitmentForm(forms.Form):
    """How the collaboration upholds one principle. Used with the principle's slug as prefix, so
    that each principle's fields have their own names (``<slug>-text``, ``<slug>-version``)."""

    text = LineBreakCharField(
        label=_("Så här upprätthåller vi principen"),
        required=False,
        max_length=PrincipleCommitment.MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": _("Texten får vara högst %(limit_value)d tecken (den är nu %(show_value)d).")},
    )
    version = forms.IntegerField(
        min_value=0,
        max_value=MAX_VERSION,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Sidan saknar textens version. Ladda om sidan."),
            "invalid": _("Sidan saknar textens version. Ladda om sidan."),
            "min_value": _("Sidan saknar textens version. Ladda om sidan."),
            "max_value": _("Sidan saknar textens version. Ladda om sidan."),
        },
    )


class ConcernForm(forms.Form):
    text = LineBreakCharField(
        label=_("Vad är problemet?"),
        max_length=PrincipleConcern.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Skriv vad problemet är."),
            "max_length": _("Texten får vara högst %(limit_value)d tecken (den är nu %(show_value)d)."),
        },
    )


class ResolveForm(forms.Form):
    resolution = LineBreakCharField(
        label=_("Så löste vi det"),
        max_length=PrincipleConcern.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Skriv hur problemet är löst."),
            "max_length": _("Kommentaren får vara högst %(limit_value)d tecken (den är nu %(show_value)d)."),
        },
    )


_SLUG = re.compile(r"^[-a-z0-9]{1,100}$")


class PrincipleChoiceField(forms.ModelMultipleChoiceField):
    """Principles by slug; anything that cannot be a slug is refused before it reaches the database."""

    def _check_values(self, value):
        for slug in value:
            if not isinstance(slug, str) or not _SLUG.match(slug):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)


class SectionPrinciplesForm(forms.Form):
    principles = PrincipleChoiceField(
        label=_("Principer som avsnittet tar upp"),
        queryset=Principle.objects.current(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Välj bland de sex principerna."),
            "invalid_list": _("Välj bland de sex principerna."),
        },
    )

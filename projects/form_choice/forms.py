"""Forms of the form choice: one answer to one question, and the parties' choice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.form_choice import services as form_choice
from projects.form_choice.models import FormChoice

CHOOSE_ONE = _("Välj ett av alternativen.")


class AnswerForm(forms.Form):
    """One question's answer: one of its options."""

    answer = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_ONE, "invalid_choice": CHOOSE_ONE},
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["answer"].label = question.text
        self.fields["answer"].choices = [(option.key, option.label) for option in question.options]


class ChooseForm(forms.Form):
    """The parties' choice: a form (by its slug: nothing the person posts reaches a database
    lookup unchecked) and an optional motivation."""

    form = forms.ChoiceField(
        label=_("Samverkansform"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Välj en samverkansform."),
            "invalid_choice": _("Välj en av samverkansformerna i listan."),
        },
    )
    note = forms.CharField(
        label=_("Motivering (frivillig)"),
        help_text=_("Varför valde ni den här formen? Motiveringen sparas med valet."),
        required=False,
        max_length=FormChoice._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"max_length": _("Motiveringen får vara högst %(limit_value)d tecken (den är %(show_value)d).")},
    )

    def __init__(self, *args, forms_available=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.forms_available = {f.slug: f for f in (forms_available or form_choice.choosable_forms())}
        self.fields["form"].choices = [(slug, f.name) for slug, f in self.forms_available.items()]

    def clean_form(self):
        return self.forms_available[self.cleaned_data["form"]]

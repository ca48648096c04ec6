"""Forms of the legal screening: one question's answer, a party's registration."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.screening.models import AidGround, Answer, Question, RegistrationStatus

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EARLIEST_CHECK = datetime.date(2023, 1, 1)  # the register opened when lag (2022:900) came into force


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Svar"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj ett svar. Välj ”Vet inte än” om ni inte vet.")},
    )
    reason = forms.CharField(
        label=_("Motivering"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skriv varför ni svarar så. Motiveringen sparas med varje version av överenskommelsen."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, question, **kwargs):
        self.question = question
        kwargs.setdefault("prefix", str(question))
        super().__init__(*args, **kwargs)
        if question == Question.AID:
            self.fields["ground"] = forms.ChoiceField(
                label=_("Grund för stödet, om ni svarar Ja"),
                choices=AidGround.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields["ground_other"] = forms.CharField(
                label=_("Vilken annan grund"),
                required=False,
                max_length=300,
                help_text=_("Till exempel kommissionens beslut 2012/21/EU."),
            )
            self.order_fields(["answer", "ground", "ground_other", "reason", "version"])

    def clean(self):
        data = super().clean()
        answer = data.get("answer")
        if answer in (Answer.YES, Answer.NO) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Skriv en motivering: varför svarar ni så?"))
        other = self.question == Question.AID and answer == Answer.YES and data.get("ground") == AidGround.OTHER
        if other and not (data.get("ground_other") or "").strip():
            self.add_error("ground_other", _("Skriv vilken grund stödet ges enligt."))
        return data


class RegistrationForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Finns organisationen i registret?"),
        choices=RegistrationStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj om organisationen är registrerad.")},
    )
    checked_on = forms.DateField(
        label=_("Kontrollerat den"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Skriv datumet som år-månad-dag, till exempel 2026-12-03.")},
    )
    note = forms.CharField(
        label=_("Anteckning"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Till exempel var du sökte och vad du såg."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, party, **kwargs):
        self.party = party
        kwargs.setdefault("prefix", f"party-{party.pk}")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        status = data.get("status")
        checked_on = data.get("checked_on")
        checked = status in (RegistrationStatus.REGISTERED, RegistrationStatus.NOT_REGISTERED)
        if checked and checked_on is None and "checked_on" not in self.errors:
            self.add_error("checked_on", _("Skriv vilken dag du kontrollerade registret."))
        if checked_on is not None:
            if checked_on > timezone.localdate():
                self.add_error("checked_on", _("Datumet kan inte vara senare än i dag."))
            elif checked_on < EARLIEST_CHECK:
                self.add_error("checked_on", _("Registret finns sedan 1 januari 2023. Skriv ett senare datum."))
        return data

"""The checklists' forms: an answer, adding a section, how a section is answered, its date."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.checklists.models import Answer, AnswerStatus, ChecklistSection
from projects.common.forms import DeadlineForm, LineBreakCharField


class AnswerForm(forms.Form):
    text = LineBreakCharField(
        label=_("Svar"),
        required=False,
        max_length=Answer.MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Svaret får vara högst %(limit_value)d tecken (det är nu %(show_value)d).")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=AnswerStatus.choices, required=False)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, joint=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.joint = joint
        self.fields["status"].error_messages["invalid_choice"] = _("Välj en av statusarna i listan.")

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if not status:
            return None  # not sent: the answer keeps its status
        if self.joint and status == AnswerStatus.AGREED:
            # A joint answer is agreed when every party has confirmed it, not by choosing it.
            return None
        return status


class ChecklistAddForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Avsnitt"), queryset=None, empty_label=_("– Välj ett avsnitt –"))

    def __init__(self, *args, collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        from projects.checklists.services import sections_with_questions

        taken = ChecklistSection.objects.filter(collaboration=collaboration, active=True).values_list("section_id")
        self.fields["section"].queryset = (
            sections_with_questions().exclude(pk__in=taken).select_related("guide").order_by("guide__order", "sequence")
        )
        self.fields["section"].label_from_instance = lambda s: f"{s.guide.short_name}: {s.title}"
        self.fields["section"].error_messages["invalid_choice"] = _("Avsnittet finns inte eller är redan med.")
        self.fields["section"].widget.attrs["class"] = "form-select form-select-sm"


class AnswerModeForm(forms.Form):
    answer_mode = forms.ChoiceField(label=_("Svaras"), choices=ChecklistSection._meta.get_field("answer_mode").choices)


class DueDateForm(DeadlineForm):
    """The date by which a checklist section is to be done ("klart senast"), set by a coordinator."""

    def __init__(self, data=None, *, checklist_section, **kwargs):
        super().__init__(
            data,
            current=checklist_section.due_date,
            label=_("Klart senast"),
            help_text=_("Den dag då avsnittets frågor ska vara besvarade. Datumet syns för alla i samverkan."),
            auto_id="due-%s",
            **kwargs,
        )

"""Staff edit the guide content here, with ordering. A row saved here is marked ``edited_in_admin``
and ``load_guides`` then keeps it as staff left it; the fixture file should get the same correction
so that other installations have it (the form says so)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import models as m

SOURCE_NOTE = _(
    "Innehållet kommer från fixtures/. Det du ändrar här behålls när load_guides körs (markeringen "
    "”ändrad i admin”); för in rättelsen i fixturfilen också, så att den följer med till andra installationer."
)


class ContentAdmin(admin.ModelAdmin):
    list_filter = ["retired"]
    readonly_fields = ["slug"]
    save_on_top = True

    def save_model(self, request, obj, form, change):
        if form.changed_data and "edited_in_admin" not in form.changed_data:
            obj.edited_in_admin = True  # the loader keeps staff's edit
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # The slug is the stable key that other data points at: set once, never changed here.
        return ["slug"] if obj else []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": SOURCE_NOTE}
        return super().changeform_view(request, object_id, form_url, extra_context)


class ItemInline(admin.TabularInline):
    model = m.Item
    fields = ["order", "kind", "group", "title", "text", "principle", "retired"]
    extra = 0
    ordering = ["order"]
    show_change_link = True


@admin.register(m.Guide)
class GuideAdmin(ContentAdmin):
    list_display = ["title", "publisher", "year", "audience", "order", "retired"]
    list_editable = ["order"]
    search_fields = ["title", "publisher"]


@admin.register(m.Section)
class SectionAdmin(ContentAdmin):
    list_display = ["title", "guide", "kind", "sequence", "order", "answer_mode", "retired"]
    list_editable = ["order", "answer_mode"]
    list_filter = ["guide", "kind", "answer_mode", "retired"]
    search_fields = ["title", "intro", "slug"]
    list_select_related = ["guide"]
    inlines = [ItemInline]
    autocomplete_fields = ["parent"]


@admin.register(m.Item)
class ItemAdmin(ContentAdmin):
    list_display = ["__str__", "section", "kind", "order", "retired"]
    list_editable = ["order"]
    list_filter = ["section__guide", "kind", "retired"]
    search_fields = ["text", "title", "slug"]
    list_select_related = ["section"]
    autocomplete_fields = ["section"]


class PrincipleTextInline(admin.StackedInline):
    model = m.PrincipleText
    extra = 0
    raw_id_fields = ["item"]


@admin.register(m.Principle)
class PrincipleAdmin(ContentAdmin):
    list_display = ["name", "order", "retired"]
    list_editable = ["order"]
    inlines = [PrincipleTextInline]


@admin.register(m.CollaborationForm)
class CollaborationFormAdmin(ContentAdmin):
    list_display = ["name", "category", "order", "retired"]
    list_editable = ["order"]
    list_filter = ["category", "retired"]


@admin.register(m.FormCategory, m.Level, m.DecisionPhase)
class NamedContentAdmin(ContentAdmin):
    list_display = ["__str__", "order", "retired"]
    list_editable = ["order"]


class ReferenceEntryInline(admin.TabularInline):
    model = m.ReferenceEntry
    fields = ["order", "kind", "title", "text", "retired"]
    extra = 0


@admin.register(m.ReferenceList)
class ReferenceListAdmin(ContentAdmin):
    list_display = ["title", "slug", "order", "retired"]
    list_editable = ["order"]
    inlines = [ReferenceEntryInline]


class TemplateHeadingInline(admin.TabularInline):
    model = m.TemplateHeading
    fields = ["order", "title", "parent", "guidance", "retired"]
    extra = 0


@admin.register(m.AgreementTemplate)
class AgreementTemplateAdmin(ContentAdmin):
    list_display = ["title", "order", "retired"]
    inlines = [TemplateHeadingInline]

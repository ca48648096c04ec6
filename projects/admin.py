from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration, Event, Invitation, Membership, Organisation, Party

from .organisations import services as organisations
from .organisations.models import OrganisationClaim, OrganisationDomain, OrganisationMember


class OrganisationMemberInline(admin.TabularInline):
    """Staff correct who acts for an organisation (e.g. transfer administration after a claim); each
    change is recorded in the organisation's history."""

    model = OrganisationMember
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "joined_via", "created_at"]
    readonly_fields = ["created_at"]


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    extra = 0
    fields = ["domain", "added_by", "created_at"]
    readonly_fields = ["added_by", "created_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "org_number", "municipality", "verified_at"]
    list_filter = ["sector"]
    search_fields = ["name", "org_number", "municipality"]
    inlines = [OrganisationMemberInline, OrganisationDomainInline]
    readonly_fields = ["verified_at", "created_by", "created_at"]
    actions = ["verify", "unverify"]

    @admin.action(description=_("Markera som verifierad av förvaltningen"))
    def verify(self, request, queryset):
        for organisation in queryset:
            organisations.verify_by_staff(organisation, user=request.user)

    @admin.action(description=_("Ta bort förvaltningens verifiering"))
    def unverify(self, request, queryset):
        for organisation in queryset:
            organisations.verify_by_staff(organisation, user=request.user, verified=False)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            label = obj.user.get_full_name() if isinstance(obj, OrganisationMember) else obj.domain
            kind = "member.removed" if isinstance(obj, OrganisationMember) else "domain.removed"
            obj.delete()
            organisations.record(form.instance, request.user, kind, label, _("Ändrat av förvaltningen"))
        for obj in instances:
            if isinstance(obj, OrganisationMember):
                kind = "member.role" if obj.pk else "member.joined"
                obj.save()
                organisations.record(
                    form.instance, request.user, kind, obj.user.get_full_name(), obj.get_role_display()
                )
            else:
                if not obj.pk:
                    obj.added_by = request.user
                obj.save()
                organisations.record(form.instance, request.user, "domain.added", obj.domain)
        formset.save_m2m()


@admin.register(OrganisationClaim)
class OrganisationClaimAdmin(admin.ModelAdmin):
    """Claims on organisations somebody else registered: staff check them (a call, a board minute,
    an address in the organisation's domain) and decide with the actions."""

    list_display = ["organisation", "user", "position", "created_at", "resolved_at", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["organisation__name", "organisation__org_number", "user__email"]
    raw_id_fields = ["organisation", "user"]
    readonly_fields = [
        "organisation",
        "user",
        "position",
        "reason",
        "created_at",
        "resolved_at",
        "resolved_by",
        "outcome",
    ]
    fields = readonly_fields + ["note"]
    actions = ["transfer", "add_admin", "reject"]

    def has_add_permission(self, request):
        return False

    def _resolve(self, request, queryset, outcome):
        for claim in queryset:
            try:
                organisations.resolve_claim(claim, user=request.user, outcome=outcome, note=claim.note)
            except ValidationError as error:
                self.message_user(request, f"{claim}: {' '.join(error.messages)}", messages.WARNING)

    @admin.action(description=_("Överför administrationen till den som gjorde anspråk"))
    def transfer(self, request, queryset):
        self._resolve(request, queryset, OrganisationClaim.Outcome.TRANSFERRED)

    @admin.action(description=_("Gör den som gjorde anspråk till administratör bredvid de andra"))
    def add_admin(self, request, queryset):
        self._resolve(request, queryset, OrganisationClaim.Outcome.ADDED)

    @admin.action(description=_("Avslå anspråket"))
    def reject(self, request, queryset):
        self._resolve(request, queryset, OrganisationClaim.Outcome.REJECTED)


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    autocomplete_fields = ["organisation"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user", "party"]


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = ["title", "phase", "archived", "created_at"]
    list_filter = ["phase", "archived"]
    search_fields = ["title"]
    inlines = [PartyInline, MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "collaboration", "party", "role", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "collaboration__title"]
    exclude = ["token_hash"]
    raw_id_fields = ["collaboration", "party", "invited_by", "accepted_by"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "collaboration", "kind", "subject", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["collaboration", "actor"]

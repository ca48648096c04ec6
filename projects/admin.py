from django.contrib import admin

from .models import Collaboration, Event, Invitation, Membership, Organisation, Party


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "org_number", "municipality"]
    list_filter = ["sector"]
    search_fields = ["name", "org_number", "municipality"]


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

"""A collaboration's navigation: six destinations, each with its pages one level down.

One table says where every page of a collaboration belongs, so the menu marks the current
destination and page (``aria-current``) on every page, action pages included (a checklist
question's history belongs to "Checklistor" under "Förbereda"). ``tests/core/test_navigation.py``
fails when a collaboration URL belongs to no page.

Rendered by ``templates/includes/collaboration_nav.html``: tabs with the current destination's
pages beneath at desktop widths, one compact menu (a ``<details>``, no JavaScript) on a phone.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.core.permissions import policy


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    # Other URL names (or prefixes ending in "_") that are this page's sub-pages and actions.
    also: tuple = ()
    # A named permission the person needs, for their own party, to see the page in the menu ("" for
    # every member): a page only some parties use (the public party's memo).
    perm: str = ""

    def owns(self, url_name):
        if url_name == self.url_name:
            return True
        return any(url_name == name or (name.endswith("_") and url_name.startswith(name)) for name in self.also)


@dataclass(frozen=True)
class Destination:
    key: str
    label: str
    pages: tuple


DESTINATIONS = (
    Destination(
        "overview",
        _("Översikt"),
        (
            Page(_("Översikt"), "overview"),
            Page(_("Händelser"), "events"),
        ),
    ),
    Destination(
        "prepare",
        _("Förbereda"),
        (
            Page(
                _("Checklistor"),
                "checklists",
                ("checklist_", "answer_", "comments"),
            ),
            Page(_("Principer"), "principles", ("principle_", "concern_")),
            Page(_("Samverkansform"), "form_choice", ("form_",)),
            Page(_("Rättslig genomgång"), "screening", ("screening_",)),
            Page(_("Faser"), "phases", ("phase_", "map_save", "period_start")),
            Page(_("Intressenter"), "stakeholders", ("stakeholder_",)),
        ),
    ),
    Destination(
        "agreement",
        _("Överenskommelse"),
        (
            Page(_("Överenskommelse"), "agreement", ("agreement_", "archive_package")),
            Page(_("Budget"), "budget", ("budget_",)),
            Page(_("Stöd av mindre betydelse"), "state_aid", ("state_aid_",)),
            Page(_("Publicering"), "publication", ("publication_",)),
            Page(_("Tjänsteskrivelse"), "memo", ("memo_",), perm="memo.prepare"),
        ),
    ),
    Destination(
        "followup",
        _("Följa upp"),
        (
            Page(_("Mål"), "goals", ("goal_", "indicator_", "measurement_")),
            Page(_("Möten"), "meetings", ("meeting_", "calendar_")),
            Page(_("Risker"), "risks", ("risk_",)),
            Page(_("Beslutslogg"), "decisions", ("decision_",)),
            Page(_("Årlig uppföljning"), "reports", ("report_",)),
            Page(_("Utvärdering"), "evaluation", ("evaluation_",)),
        ),
    ),
    Destination(
        "parties",
        _("Parter och personer"),
        (
            Page(_("Parter"), "parties", ("party_",)),
            Page(_("Personer"), "people", ("member_", "invitation_")),
        ),
    ),
    Destination(
        "settings",
        _("Inställningar"),
        (
            Page(_("Inställningar"), "collaboration_edit", ("collaboration_export",)),
            Page(_("Säkerhet"), "security", ("security_", "mfa_required")),
        ),
    ),
)


def page_of(url_name):
    """The destination and page a URL name belongs to, or (None, None)."""
    for destination in DESTINATIONS:
        for page in destination.pages:
            if page.owns(url_name):
                return destination, page
    return None, None


def _shown(page, collaboration, user):
    if not page.perm:
        return True
    membership = policy.membership(user, collaboration) if user is not None else None
    return membership is not None and policy.user_has_permission(user, page.perm, collaboration, membership.party)


def collaboration_nav(collaboration, url_name, user=None):
    """The menu for a page of ``collaboration`` whose URL name is ``url_name``: each destination with
    its link (its first page), whether it is current, and its pages with links and their own marks.
    ``current`` is "page" on the page itself and "true" on the page a sub-page belongs to. A page with
    a permission (``Page.perm``) is left out for ``user`` without it."""
    here_destination, here_page = page_of(url_name)
    menu = []
    for destination in DESTINATIONS:
        pages = [
            {
                "label": page.label,
                "url": reverse(f"projects:{page.url_name}", args=[collaboration.pk]),
                "current": ("page" if page.url_name == url_name else "true") if page == here_page else "",
            }
            for page in destination.pages
            if _shown(page, collaboration, user)
        ]
        current = destination == here_destination
        menu.append(
            {
                "key": destination.key,
                "label": destination.label,
                "url": pages[0]["url"],
                "current": current,
                # aria-current on the tab: "page" when the tab's link is this very page.
                "aria_current": ("page" if pages[0]["current"] == "page" else "true") if current else "",
                "pages": pages,
            }
        )
    return {
        "menu": menu,
        "destination": here_destination,
        "page": here_page,
    }

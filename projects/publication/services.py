"""The writes of publishing a decided agreement: each party's consent (and taking it back), the
publication once every party has consented, and its withdrawal. Each locks the version's row, checks
the rules only the data can decide, and records its event."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from projects.agreements.models import AgreementVersion
from projects.core.models import Event, EventText
from projects.publication.models import Publication, PublicationConsent, PublicationEvent


class PublicationError(Exception):
    """A step the state does not allow (shown to the person as it is)."""


def deciding_parties(version):
    """The ids of the parties whose decision made ``version`` decided (every one approved it)."""
    return set(version.decisions.filter(approved=True).values_list("party_id", flat=True))


def open_publication(version):
    """The version's publication round that is not withdrawn (consents gathering, or published), or None."""
    return version.publications.filter(withdrawn_at__isnull=True).first()


def missing_consents(publication):
    """The ids of the deciding parties that have not consented yet (all of them without a round)."""
    parties = deciding_parties(publication.version)
    return parties - set(publication.consents.values_list("party_id", flat=True))


def _lock(version, *, decided=True):
    version = AgreementVersion.objects.select_for_update().select_related("agreement__collaboration").get(pk=version.pk)
    if decided and version.status != AgreementVersion.Status.DECIDED:
        raise PublicationError(_("Bara en beslutad version kan publiceras."))
    return version


def _detail(version):
    return EventText(gettext_noop("v%(n)s"), n=version.number)


@transaction.atomic
def consent(version, *, party, user):
    """``party`` consents to publish ``version`` (who and when are kept). Opens a round if none is open."""
    version = _lock(version)
    if party.pk not in deciding_parties(version):
        raise PublicationError(_("Parten har inte beslutat om den här versionen."))
    publication = open_publication(version) or Publication.objects.create(version=version)
    if publication.published_at:
        raise PublicationError(_("Överenskommelsen är redan publicerad."))
    if publication.consents.filter(party=party).exists():
        raise PublicationError(_("%(party)s har redan samtyckt.") % {"party": party})
    PublicationConsent.objects.create(publication=publication, party=party, given_by=user)
    Event.record(version.agreement.collaboration, user, PublicationEvent.CONSENTED, str(party), _detail(version))
    return publication


@transaction.atomic
def withdraw_consent(version, *, party, user):
    """``party`` takes back its consent, which it may until the version is published."""
    version = _lock(version)
    publication = open_publication(version)
    if publication is None or not publication.consents.filter(party=party).exists():
        raise PublicationError(_("%(party)s har inte samtyckt.") % {"party": party})
    if publication.published_at:
        raise PublicationError(
            _("Överenskommelsen är redan publicerad. Återkalla publiceringen om den inte längre ska visas.")
        )
    publication.consents.filter(party=party).delete()
    Event.record(
        version.agreement.collaboration, user, PublicationEvent.CONSENT_WITHDRAWN, str(party), _detail(version)
    )
    return publication


@transaction.atomic
def publish(version, *, user):
    """Publish ``version``: only a decided one, and only when every party that decided it has consented."""
    version = _lock(version)
    publication = open_publication(version)
    if publication is not None and publication.published_at:
        raise PublicationError(_("Överenskommelsen är redan publicerad."))
    if publication is None or missing_consents(publication):
        raise PublicationError(_("Alla parter måste samtycka innan överenskommelsen kan publiceras."))
    publication.published_at = timezone.now()
    publication.published_by = user
    publication.save(update_fields=["published_at", "published_by"])
    Event.record(
        version.agreement.collaboration, user, PublicationEvent.PUBLISHED, version.agreement.title, _detail(version)
    )
    return publication


@transaction.atomic
def withdraw(publication, *, user):
    """Take the public page down. Its address then answers "no longer published"; publishing again
    needs every party's consent again, and gets a new address."""
    version = _lock(publication.version, decided=False)  # a page can always be taken down
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if not publication.is_public:
        raise PublicationError(_("Överenskommelsen är inte publicerad."))
    publication.withdrawn_at = timezone.now()
    publication.withdrawn_by = user
    publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
    Event.record(
        version.agreement.collaboration, user, PublicationEvent.WITHDRAWN, version.agreement.title, _detail(version)
    )
    return publication

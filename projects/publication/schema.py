"""The publication's part of the collaboration file: none. A publication is this server's public
address and the parties' consent given here; an imported collaboration is published anew."""

from projects.publication.models import Publication

NODES = ()
EXCLUDED_MODELS = {
    Publication: "this server's public address and the consents given here: an import is published anew",
}

"""The notices' part of the collaboration file: none (the mechanism: projects.common.schema)."""

from projects.notifications.models import Notice

NODES = ()
EXCLUDED_MODELS = {Notice: "personal: what was sent to one person, kept on this server"}

"""Who may download the package for the e-archive: declared in the collaboration policy
(projects/core/permissions.py).

The collaboration's coordinators, of every party: the municipality files the package in its
e-archive, and an association's board keeps the decided agreement too. The package holds the
collaboration file, which names people and their e-mail addresses (as ``transfer.export``, also
coordinators only). Also in an archived period: downloading changes nothing but the activity list."""

from projects.core.permissions import Action, register

DOWNLOAD = register(
    "archive.download",
    "ladda ner paketet för e-arkivet (den beslutade överenskommelsen med beslut, protokoll, utvärdering och "
    "samverkansfilen)",
    Action.MANAGE,
    archived=True,
)

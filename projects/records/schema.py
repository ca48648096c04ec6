"""The records' part of the collaboration file: none. A sealed archival PDF is this server's record of a
decided version (its seal and its SHA-256 prove the file that this server handed out); a copy of the
collaboration elsewhere decides and seals its own."""

from projects.records.models import SealedRecord

NODES = ()
EXCLUDED_MODELS = {
    SealedRecord: "the sealed archival PDF is this server's record of what it handed out: a copy elsewhere "
    "seals its own decided versions",
}

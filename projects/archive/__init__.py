"""The e-archive package: a decided agreement and its collaboration as an E-ARK SIP (projects.archive)."""

"""eark-validator without the network: on import it reads four CSIP vocabularies from
earkcsip.dilcis.eu (``eark_validator.ipxml.schematron.SchematronTests``). The package bundles the same
files (``eark_validator/ipxml/resources/vocabs/``); while it is imported, ``urlopen`` answers those
addresses from them, and only those."""

import urllib.request
from contextlib import contextmanager

VOCABULARIES = "https://earkcsip.dilcis.eu/schema/"


@contextmanager
def bundled_vocabularies():
    from eark_validator.ipxml.resources import vocabs
    from importlib_resources import files

    real = urllib.request.urlopen

    def urlopen(url, *args, **kwargs):
        if isinstance(url, str) and url.startswith(VOCABULARIES):
            return files(vocabs).joinpath(url.removeprefix(VOCABULARIES)).open("rb")
        raise OSError(f"No network in the tests: {url}")

    urllib.request.urlopen = urlopen
    try:
        yield
    finally:
        urllib.request.urlopen = real


with bundled_vocabularies():
    from eark_validator.ipxml.schema import IP_SCHEMA  # noqa: E402
    from eark_validator.packages import PackageValidator  # noqa: E402

__all__ = ["IP_SCHEMA", "PackageValidator"]

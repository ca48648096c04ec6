import pytest

from projects.records import testseal


@pytest.fixture
def test_seal(settings, tmp_path):
    """The development's self-signed test seal, in the test's own folder."""
    settings.SEAL_PKCS12_PATH = str(tmp_path / "test-seal.p12")
    settings.SEAL_PKCS12_PASSWORD = "test-seal-only"
    settings.TSA_URL = ""
    testseal.make(settings.SEAL_PKCS12_PATH, settings.SEAL_PKCS12_PASSWORD)
    return settings.SEAL_PKCS12_PATH

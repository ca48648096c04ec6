"""Seal certificates for the tests: the development's self-signed one, and one issued by a test CA (what
a deployment has), valid or expired."""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


def _name(cn):
    return x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kommunen"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )


def issued_seal(path, password, *, days=365, expired=False):
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test-CA"))
        .issuer_name(_name("Test-CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=800))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    start, end = (
        (now - datetime.timedelta(days=400), now - datetime.timedelta(days=1))
        if expired
        else (
            now - datetime.timedelta(days=1),
            now + datetime.timedelta(days=days),
        )
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Kommunens e-sigill"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(ca_key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"seal", key, cert, [ca], serialization.BestAvailableEncryption(password.encode())
    )
    path.write_bytes(data)
    return path


def local_timestamper():
    """pyHanko's in-process RFC 3161 timestamper with a throwaway TSA certificate: the TSA_URL path
    without a network."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    now = datetime.datetime.now(datetime.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's dummy TSA is RSA-only
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Test-TSA"))
        .issuer_name(_name("Test-TSA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
    )

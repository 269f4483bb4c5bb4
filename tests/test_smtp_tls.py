"""SMTP encrypts whenever it can and never sends a password in clear (issue 12, item 4).

A real aiosmtpd server on loopback offers STARTTLS with a certificate from a private CA (as a
council's internal relay might), and records whether each login and message came over TLS.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot import providers
from integrations.base import TemporaryDeliveryError

PASSWORD = "relay-password"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA), and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Council relay test CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "relay.pem", folder / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path


class Recorder:
    """Keeps each message, and whether its session (and each login) was encrypted."""

    def __init__(self) -> None:
        self.messages: list[tuple[bool, bytes]] = []
        self.logins: list[tuple[bool, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((session.ssl is not None, envelope.content))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:  # fmt: skip
        self.logins.append((session.ssl is not None, bytes(data.password)))
        return AuthResult(success=data.password == PASSWORD.encode())


@contextmanager
def _relay(folder: Path, starttls: bool) -> Iterator[tuple[int, Recorder, Path]]:
    """An SMTP relay on loopback, offering STARTTLS or not; yields port, recorder, its CA."""
    cert, key = _certificate(folder)
    recorder = Recorder()
    tls = None
    if starttls:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(recorder, hostname="127.0.0.1", port=port, tls_context=tls,
                            authenticator=recorder.authenticate, auth_require_tls=False,
                            require_starttls=False)  # fmt: skip
    controller.start()
    try:
        yield port, recorder, cert
    finally:
        controller.stop()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[tuple[int, Recorder, Path]]:
    with _relay(tmp_path, starttls=True) as found:
        yield found


@pytest.fixture
def plain_relay(tmp_path: Path) -> Iterator[tuple[int, Recorder, Path]]:
    with _relay(tmp_path, starttls=False) as found:
        yield found


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@council.example", "b@x.example", "Hi"
    message.set_content("Special category data: health, ethnicity.")
    return message


def _sender(port: int, cert: Path, **settings: Any) -> Any:
    base = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_USERNAME": "casereview",
            "SMTP_PASSWORD": PASSWORD, "SMTP_CA_FILE": str(cert)}  # fmt: skip
    return providers.email_sender({**base, **settings})


def test_only_host_port_and_login_set_upgrades_to_tls_before_the_password(
    relay: tuple[int, Recorder, Path],
) -> None:
    port, recorder, cert = relay
    sender = _sender(port, cert)
    sender.send(_message())
    sender.close()
    assert recorder.logins == [(True, PASSWORD.encode())]  # the password went encrypted
    assert [encrypted for encrypted, _ in recorder.messages] == [True]


def test_a_relay_whose_certificate_is_not_trusted_is_not_sent_to(
    relay: tuple[int, Recorder, Path], tmp_path: Path
) -> None:
    port, recorder, _ = relay
    (tmp_path / "other").mkdir()
    other, _ = _certificate(tmp_path / "other")  # a different CA altogether
    sender = _sender(port, other)
    with pytest.raises(TemporaryDeliveryError, match="TLS"):
        sender.send(_message())
    assert recorder.logins == [] and recorder.messages == []


def test_no_password_in_clear_unless_the_operator_allows_it(
    plain_relay: tuple[int, Recorder, Path],
) -> None:
    port, recorder, cert = plain_relay
    with pytest.raises(TemporaryDeliveryError, match="refusing to send the SMTP password"):
        _sender(port, cert).send(_message())
    assert recorder.logins == [] and recorder.messages == []
    allowed = _sender(port, cert, SMTP_ALLOW_CLEARTEXT_LOGIN=True)
    allowed.send(_message())
    allowed.close()
    assert recorder.logins == [(False, PASSWORD.encode())]
    assert len(recorder.messages) == 1

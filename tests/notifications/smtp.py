"""A real SMTP server on loopback for the mail tests (aiosmtpd, started by the test): the ``smtp``
fixture points the app's SMTP backend at it and yields the mailbox of what arrived."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """An SMTP server's handler: keeps what it is given; says no (550) to addresses starting "studsar"."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address.startswith("studsar"):
            return "550 5.1.1 Mottagaren finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "http://testserver"  # a browser test sets its live server's address
    yield mailbox
    controller.stop()

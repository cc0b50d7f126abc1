"""core.sms: phone normalisation and the three backends. The http backend talks to a real HTTP server started on
the loopback interface by the test (the network boundary), never to a fake of our own code."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from core import sms


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07.12.34.56.78", "+33712345678"),
        ("0612345678", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("06-12-34-56-78", "+33612345678"),
        ("0692 12 34 56", "+262692123456"),  # La Réunion
        ("+590 690 12 34 56", "+590690123456"),  # Guadeloupe
        ("0696123456", "+596696123456"),  # Martinique
    ],
)
def test_normalize_phone_accepts_french_mobiles(number, expected):
    assert sms.normalize_phone(number) == expected


@pytest.mark.parametrize(
    "number",
    [
        "05 53 12 34 56",  # landline
        "06 12 34 56",  # too short
        "06 12 34 56 78 9",  # too long
        "+44 7700 900123",  # foreign
        "+33 690 12 34 56",  # an overseas mobile with the metropolitan code
        "06 12 AB 56 78",
        "",
        None,
    ],
)
def test_normalize_phone_refuses_anything_else(number):
    assert sms.normalize_phone(number) is None


def test_memory_backend_keeps_the_message(settings):
    settings.SMS_BACKEND = "memory"
    settings.SMS_SENDER = "Declic47"
    sms.send_sms("06 12 34 56 78", "Votre orientation a été acceptée.")
    assert sms.outbox == [sms.Sms(to="+33612345678", text="Votre orientation a été acceptée.", sender="Declic47")]


def test_console_backend_logs_the_message(settings, caplog):
    settings.SMS_BACKEND = "console"
    with caplog.at_level("INFO", logger="core.sms"):
        sms.send_sms("0612345678", "Bonjour")
    assert "SMS à +33612345678 : Bonjour" in caplog.text
    assert sms.outbox == []


def test_a_landline_is_refused_before_any_backend(settings):
    settings.SMS_BACKEND = "memory"
    with pytest.raises(ValueError, match="n'est pas un numéro de téléphone mobile français"):
        sms.send_sms("05 53 12 34 56", "Bonjour")
    assert sms.outbox == []


def test_unknown_backend_is_a_clear_error(settings):
    settings.SMS_BACKEND = "pigeon"
    with pytest.raises(sms.SmsError, match="SMS_BACKEND inconnu : « pigeon »"):
        sms.send_sms("0612345678", "Bonjour")


@pytest.fixture
def sms_server():
    """A real HTTP server on 127.0.0.1 (free port) recording what it receives; `server.status` is its answer."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            self.server.received.append(
                {
                    "path": self.path,
                    "authorization": self.headers["Authorization"],
                    "content_type": self.headers["Content-Type"],
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            self.send_response(self.server.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": "quota"}' if self.server.status >= 400 else b'{"id": "42"}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.received, server.status = [], 201
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def http_backend(settings, sms_server):
    settings.SMS_BACKEND = "http"
    settings.SMS_API_URL = f"http://127.0.0.1:{sms_server.server_port}/v1/sms"
    settings.SMS_API_TOKEN = "jeton-de-test"
    settings.SMS_SENDER = "Declic47"
    return sms_server


def test_http_backend_posts_json_with_the_token(http_backend):
    sms.send_sms("06 12 34 56 78", "Rendez-vous fixé.")
    assert http_backend.received == [
        {
            "path": "/v1/sms",
            "authorization": "Bearer jeton-de-test",
            "content_type": "application/json",
            "json": {"to": "+33612345678", "text": "Rendez-vous fixé.", "sender": "Declic47"},
        }
    ]


def test_http_backend_raises_on_a_refusal(http_backend):
    http_backend.status = 402
    with pytest.raises(sms.SmsError, match=r"refusé le message \(HTTP 402\) : \{\"error\": \"quota\"\}"):
        sms.send_sms("0612345678", "Bonjour")
    assert len(http_backend.received) == 1


def test_http_backend_raises_when_the_service_is_unreachable(settings, sms_server):
    port = sms_server.server_port
    sms_server.shutdown()
    sms_server.server_close()
    settings.SMS_BACKEND = "http"
    settings.SMS_API_URL = f"http://127.0.0.1:{port}/v1/sms"
    with pytest.raises(sms.SmsError, match="injoignable"):
        sms.send_sms("0612345678", "Bonjour")


def test_http_backend_needs_a_url(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_API_URL = ""
    with pytest.raises(sms.SmsError, match="SMS_API_URL est vide"):
        sms.send_sms("0612345678", "Bonjour")

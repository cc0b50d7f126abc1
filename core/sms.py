"""Text messages (SMS). `send_sms(to, text)` goes through the backend named by the SMS_BACKEND setting:

- "console": writes the message to the log — the local default, nothing leaves the machine;
- "memory": appends an `Sms` to `core.sms.outbox` — for tests, like Django's locmem e-mail backend;
- "http": POSTs the JSON {"to", "text", "sender"} to SMS_API_URL with the header
  "Authorization: Bearer <SMS_API_TOKEN>"; any answer other than 2xx raises `SmsError`.

A provider whose API differs (form fields, other names, its own authentication) gets an adapter here: a function
`(to, text)` added to BACKENDS, selected by SMS_BACKEND. Numbers are normalised to E.164 first; only French mobile
numbers (metropolitan and overseas) are accepted."""

import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10
# National mobile prefix → country calling code. Overseas mobiles keep their own code (0692… is +262 692…).
OVERSEAS_MOBILE_PREFIXES = {
    "0639": "262",  # Mayotte
    "0690": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0691": "590",
    "0692": "262",  # La Réunion
    "0693": "262",
    "0694": "594",  # Guyane
    "0696": "596",  # Martinique
    "0697": "596",
}
FRENCH_CALLING_CODES = {"33", *OVERSEAS_MOBILE_PREFIXES.values()}


class SmsError(Exception):
    """The SMS could not be handed to the provider."""


@dataclass(frozen=True)
class Sms:
    to: str
    text: str
    sender: str


outbox: list[Sms] = []


def normalize_phone(number):
    """A French mobile number in E.164 (« 06 12 34 56 78 » → « +33612345678 »), or None when `number` is not one
    (landline, foreign, incomplete). Accepts spaces, dots, dashes, « +33 », « 0033 » and « +33 (0)6 »."""
    digits = re.sub(r"[\s.\-/]", "", str(number or "")).replace("(0)", "")
    if digits.startswith("+"):
        digits = "00" + digits[1:]
    if not digits.isdigit():
        return None
    calling_code = None
    if digits.startswith("00"):
        calling_code = next((code for code in FRENCH_CALLING_CODES if digits.startswith("00" + code)), None)
        if calling_code is None:
            return None
        digits = "0" + digits[2 + len(calling_code) :]
    if len(digits) != 10 or digits[:2] not in {"06", "07"}:
        return None
    expected_code = OVERSEAS_MOBILE_PREFIXES.get(digits[:4], "33")
    if calling_code is not None and calling_code != expected_code:
        return None
    return f"+{expected_code}{digits[1:]}"


def send_sms(to, text):
    """Send `text` to the mobile number `to` through the configured backend. Raises ValueError when `to` is not a
    French mobile number and SmsError when the provider refuses the message."""
    number = normalize_phone(to)
    if number is None:
        raise ValueError(f"« {to} » n'est pas un numéro de téléphone mobile français.")
    backend = settings.SMS_BACKEND
    if backend not in BACKENDS:
        raise SmsError(f"SMS_BACKEND inconnu : « {backend} » (attendus : {', '.join(sorted(BACKENDS))}).")
    BACKENDS[backend](number, text)


def _console(to, text):
    logger.info("SMS à %s : %s", to, text)


def _memory(to, text):
    outbox.append(Sms(to=to, text=text, sender=settings.SMS_SENDER))


def _http(to, text):
    if not settings.SMS_API_URL:
        raise SmsError("SMS_API_URL est vide : indiquez l'adresse du service d'envoi de SMS.")
    request = urllib.request.Request(
        settings.SMS_API_URL,
        data=json.dumps({"to": to, "text": text, "sender": settings.SMS_SENDER}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_API_TOKEN}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        detail = error.read(500).decode(errors="replace")
        raise SmsError(f"Le service SMS a refusé le message (HTTP {error.code}) : {detail}") from error
    except (urllib.error.URLError, TimeoutError) as error:
        raise SmsError(f"Le service SMS est injoignable : {error}") from error
    if not 200 <= status < 300:
        raise SmsError(f"Le service SMS a répondu HTTP {status}.")


BACKENDS = {"console": _console, "memory": _memory, "http": _http}

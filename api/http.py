"""The API's plumbing: JSON errors in French, `Authorization: Bearer …`, rate limits, parameters, pagination.

Every answer is JSON, errors included: `{"erreur": {"code": …, "message": …, "parametre": …}}` (the parameter only
when one is at fault). A view decorated with `api_view(scope=…)`:
- reads the token when an `Authorization` header is sent: unknown, malformed or revoked → 401 (even on public
  endpoints: a partner whose token was revoked must notice);
- public (`public=True`): no token needed; a token sent must hold the scope (else 403) and gets its own, higher
  limit;
- not public: needs a token holding the scope: none → 401, without the scope → 403;
- counts the call against a per-IP limit (anonymous) or a per-token limit (with a token) → 429 with Retry-After.
"""

import functools
import hashlib
import json
import re
from datetime import datetime, time

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import EmptyPage, Paginator
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import quote_etag
from django.views.decorators.csrf import csrf_exempt

from api.models import ApiToken
from api.services import note_token_use
from core import ratelimit

ANONYMOUS_LIMIT = 120  # calls per window and IP address without a token
TOKEN_LIMIT = 1200  # calls per window and token
WINDOW_SECONDS = 60
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
INTEGER_RE = re.compile(r"^[0-9]{1,9}$")


class ApiError(Exception):
    def __init__(self, status, code, message, *, parameter=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.parameter = status, code, message, parameter
        self.headers = headers or {}


def error_response(status, code, message, *, parameter=None, headers=None):
    body = {"code": code, "message": message}
    if parameter:
        body["parametre"] = parameter
    response = JsonResponse({"erreur": body}, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # as json_response: a browser client must be able to read it
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def json_response(data, *, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    # The ETag ignores the moment the page was generated (it changes every second, the data does not).
    meta = data.get("meta") if isinstance(data, dict) else None
    if isinstance(meta, dict) and "genere_le" in meta:
        stable = {**data, "meta": {key: value for key, value in meta.items() if key != "genere_le"}}
        response.etag_basis = json.dumps(stable, sort_keys=True, default=str).encode()
    return response


def bearer_secret(request):
    """The secret of `Authorization: Bearer <secret>`; None without the header; raises ApiError when malformed."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "jeton_invalide", "L'en-tête Authorization doit être de la forme « Bearer <jeton> ».")
    return secret.strip()


def authenticate(request):
    """The request's token (None when no header); raises ApiError(401) for an unknown, revoked or expired one."""
    secret = bearer_secret(request)
    if secret is None:
        return None
    token = ApiToken.objects.for_secret(secret)
    if token is None:
        raise ApiError(401, "jeton_invalide", "Ce jeton n'est pas reconnu.")
    if token.revoked_at is not None:
        raise ApiError(401, "jeton_revoque", "Ce jeton a été révoqué : demandez-en un nouveau à la coordination.")
    if token.is_expired:
        raise ApiError(
            401,
            "jeton_expire",
            f"Ce jeton a expiré (il était valable jusqu'au {token.expires_on:%d/%m/%Y}) : demandez-en un nouveau à "
            "la coordination.",
        )
    return token


def check_rate(request, token):
    if token is not None:
        key, limit = f"api:token:{token.pk}", TOKEN_LIMIT
    else:
        key, limit = ratelimit.hashed_key("api:ip", ratelimit.client_ip(request)), ANONYMOUS_LIMIT
    if not ratelimit.hit(key, limit=limit, window_seconds=WINDOW_SECONDS):
        raise ApiError(
            429,
            "trop_de_requetes",
            f"Trop de requêtes : au plus {limit} par minute. Réessayez dans une minute"
            + ("." if token else " ou demandez un jeton à la coordination."),
            headers={"Retry-After": str(WINDOW_SECONDS)},
        )


def api_view(*, scope, public=False):
    """Decorator of the API's views (GET only, public to the login middleware, CSRF-free: no cookie is read, outside
    ATOMIC_REQUESTS)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return error_response(
                    405, "methode_non_permise", "Seule la lecture (GET) est possible.", headers={"Allow": "GET, HEAD"}
                )
            try:
                try:
                    token = authenticate(request)
                except ApiError:
                    check_rate(request, None)  # wrong tokens count against the address's limit
                    raise
                if token is None and not public:
                    raise ApiError(
                        401,
                        "jeton_requis",
                        "Cette ressource demande un jeton : en-tête « Authorization: Bearer <jeton> ».",
                        headers={"WWW-Authenticate": 'Bearer realm="api"'},
                    )
                if token is not None and not token.has_scope(scope):
                    raise ApiError(403, "droit_manquant", f"Ce jeton n'a pas le droit « {scope} ».")
                check_rate(request, token)
                if token is not None:
                    note_token_use(token)
                request.api_token = token
                response = view(request, *args, **kwargs)
            except ApiError as error:
                return error_response(
                    error.status, error.code, error.message, parameter=error.parameter, headers=error.headers
                )
            patch_cache_control(response, private=not public, max_age=60)
            patch_vary_headers(response, ["Authorization"])
            return with_etag(request, response)

        # Read-only: no request-wide transaction, so the rate counter's row lock is released at once (with
        # ATOMIC_REQUESTS it would be held until the answer is sent, serialising a client's parallel calls).
        return csrf_exempt(login_not_required(transaction.non_atomic_requests(wrapper)))

    return decorator


def with_etag(request, response):
    """A weak ETag on every 200 (hash of the body, the generation moment left out): `If-None-Match` with the same
    value gets 304, without body."""
    if response.status_code != 200:
        return response
    basis = getattr(response, "etag_basis", None) or response.content
    etag = "W/" + quote_etag(hashlib.sha256(basis).hexdigest()[:32])
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)


# Parameters ----------------------------------------------------------------------------------------------------


def bad_parameter(name, message):
    return ApiError(400, "parametre_invalide", f"Paramètre « {name} » : {message}", parameter=name)


def int_parameter(request, name, *, default, minimum, maximum):
    value = request.GET.get(name)
    if value is None or value == "":
        return default
    if not INTEGER_RE.match(value) or not minimum <= int(value) <= maximum:
        raise bad_parameter(name, f"un nombre entier entre {minimum} et {maximum} est attendu.")
    return int(value)


def choice_parameter(request, name, choices):
    value = request.GET.get(name)
    if value is None or value == "":
        return None
    if value not in choices:
        raise bad_parameter(name, "valeur inconnue ; valeurs possibles : " + ", ".join(choices) + ".")
    return value


def pattern_parameter(request, name, pattern, expected):
    value = request.GET.get(name)
    if value is None or value == "":
        return None
    if not re.fullmatch(pattern, value):
        raise bad_parameter(name, f"{expected} est attendu.")
    return value


def moment_parameter(request, name):
    """A date (AAAA-MM-JJ, from midnight, local time) or a date and time (ISO 8601) → aware datetime, or None."""
    value = request.GET.get(name)
    if value is None or value == "":
        return None
    expected = "une date (AAAA-MM-JJ) ou une date et heure ISO 8601 (AAAA-MM-JJTHH:MM:SS+01:00)"
    if "T" in value:  # a « + » left unencoded in the query string arrives as a space
        value = re.sub(r" ([0-9]{2}:?[0-9]{2})$", r"+\1", value)
    try:
        moment = parse_datetime(value) if "T" in value or " " in value else None
        day = None if moment else parse_date(value)
    except ValueError:
        raise bad_parameter(name, f"{expected} est attendue.") from None
    if moment is None and day is None:
        raise bad_parameter(name, f"{expected} est attendue.")
    if day is not None:
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def date_parameter(request, name):
    value = request.GET.get(name)
    if value is None or value == "":
        return None
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise bad_parameter(name, "une date AAAA-MM-JJ est attendue.")
    return day


def paginate(request, queryset, serialize):
    """{"data": [...], "meta": {...}, "links": {...}} for the requested page (`page`, `par_page`)."""
    per_page = int_parameter(request, "par_page", default=DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE)
    number = int_parameter(request, "page", default=1, minimum=1, maximum=10**9)
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise ApiError(
            404,
            "page_inexistante",
            f"Paramètre « page » : il n'y a que {paginator.num_pages} page(s).",
            parameter="page",
        ) from None

    def link(target):
        query = request.GET.copy()
        query["page"] = str(target)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "data": [serialize(item) for item in page.object_list],
        "meta": {
            "total": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "par_page": per_page,
            "genere_le": timezone.now().isoformat(timespec="seconds"),
        },
        "links": {
            "suivant": link(page.next_page_number()) if page.has_next() else None,
            "precedent": link(page.previous_page_number()) if page.has_previous() else None,
        },
    }

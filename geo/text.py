import re
import unicodedata

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_SEPARATORS = re.compile(r"[\s\-'’`_.,/()]+")


def normalize_name(text):
    """Lower-case, accent-free, words separated by single spaces; "st"/"ste" expanded.

    >>> normalize_name("Saint-Sylvestre-sur-Lot")
    'saint sylvestre sur lot'
    >>> normalize_name("  ST   sylvestre ")
    'saint sylvestre'
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_only = ascii_only.replace("œ", "oe").replace("æ", "ae")
    words = [w for w in _SEPARATORS.split(ascii_only) if w]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)

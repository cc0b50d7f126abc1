"""URL samples of the guide pages (merged by url_samples.py)."""

from tests.roles import ANONYMOUS

SAMPLES = {"orientation:guide_step": lambda user: {"step": "besoin"}}

PUBLIC = {
    "orientation:guide": "« Trouver de l'aide » : introduction du parcours public",
    "orientation:guide_step": "« Trouver de l'aide » : une étape du parcours public",
    "orientation:guide_result": "« Trouver de l'aide » : les lieux trouvés (sans réponses : l'étape à compléter)",
    "orientation:guide_send": "« Trouver de l'aide » : envoi de la liste par SMS ou e-mail, sans compte",
}

STATUS_ONLY = {"orientation:guide_send": "POST seulement : un GET reçoit 405"}

EXPECTED_STATUS = {"orientation:guide_send": {ANONYMOUS: {405}, "*": {405}}}

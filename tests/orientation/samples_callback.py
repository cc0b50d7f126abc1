"""URL samples of « être rappelé » (merged by url_samples.py)."""

PUBLIC = {
    "orientation:callback": "formulaire public « être rappelé »",
    "orientation:callback_done": "confirmation de la demande de rappel",
}

# The confirmation page reads a signed value from the address: without it, 404 for everyone.
EXPECTED_STATUS = {"orientation:callback_done": {"anonymous": {404}, "*": {404}}}

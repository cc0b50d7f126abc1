"""Local development: the embedded SQLite database, console e-mails, no HTTPS."""

import os

from dotenv import load_dotenv

load_dotenv()
os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
# A fictional number (ARCEP keeps 01 99 00 for fiction), for the demo.
os.environ.setdefault("PLATFORM_CONTACT_PHONE", "01 99 00 00 00")

from config.settings.base import *  # noqa: E402,F403

DEBUG = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
DEMO_MODE = True

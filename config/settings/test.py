"""Test settings: DEBUG off like production, no HTTPS redirect, immediate tasks, in-memory e-mail."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ["DJANGO_SECURE_COOKIES"] = "false"
os.environ["DJANGO_SSL_REDIRECT"] = "false"
os.environ["DJANGO_HSTS_SECONDS"] = "0"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

from config.settings.base import *  # noqa: E402,F403

DEBUG = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # emptied by the tests
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "«INVALID:%s»"  # noqa: F405
DEMO_MODE = True
MAP_TILE_URL = ""  # no map, so no tile is ever requested
SMS_BACKEND = "memory"  # core.sms.outbox, like the locmem e-mail backend

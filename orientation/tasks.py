"""Background work of the public path. Tasks take plain JSON values only (the database queue stores them).

« Recevoir cette liste » promises to keep neither the number nor the address: the queue row holds them only until
its task has run (sent or not), then `forget_arguments` blanks them. A list that did not leave is not sent again:
the page told the person what to do if it does not arrive."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from core import sms


@task(takes_context=True)
def send_result_sms(context, *, to, text):
    """Send the guide's list by SMS through `core.sms` (SMS_BACKEND). Queued by `views_guide.send_result`."""
    try:
        sms.send_sms(to, text)
    finally:
        forget_arguments(context.task_result)


@task(takes_context=True)
def send_result_email(context, *, to, subject, body):
    """Send the guide's list by e-mail. Queued by `views_guide.send_result`."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    finally:
        forget_arguments(context.task_result)


def forget_arguments(task_result):
    """Blank the arguments that the database queue keeps in the row of `task_result` (other backends keep none)."""
    if isinstance(task_backends[task_result.backend], DatabaseBackend):
        DBTaskResult.objects.filter(pk=task_result.id).update(args_kwargs={"args": [], "kwargs": {}})

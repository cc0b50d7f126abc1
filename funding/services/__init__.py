"""Every write on the fund. Each service is atomic, checks the actor (`funding.permissions`: PermissionDenied),
writes one `core.history` row per change and notifies after commit (`accounts.notify.notify_user` queues its
e-mails with `transaction.on_commit`).

Applications move only along `ApplicationWorkflow`. Decisions lock the earmark rows they draw on
(`select_for_update`) and refuse to draw more than an earmark's available amount, giving the figures.

The package holds: `fund` (funders, contributions, receipts, earmarks, calls), `applications` (the workflow, the
draft, submission, instruction) and `grants` (decisions, grants, payments, final reports, reminders)."""

from funding.services.applications import (
    APPLICATION_FIELDS,
    LINE_MODELS,
    ApplicationWorkflow,
    add_document,
    add_line,
    add_review,
    create_application,
    missing_parts,
    remove_document,
    remove_line,
    request_information,
    start_review,
    submit_application,
    update_application,
    weighted_score,
    withdraw_application,
)
from funding.services.common import DOCUMENT_MAX_MB, REMINDER_INTERVAL_DAYS, REPORT_DELAY_DAYS, euros
from funding.services.fund import (
    CALL_FIELDS,
    CALL_TRANSITIONS,
    add_criterion,
    add_earmark,
    create_contribution,
    create_funder,
    record_receipt,
    save_call,
    set_call_status,
)
from funding.services.grants import (
    decide_application,
    record_payment,
    revise_decision,
    send_report_reminders,
    submit_final_report,
)

__all__ = [
    "APPLICATION_FIELDS",
    "CALL_FIELDS",
    "CALL_TRANSITIONS",
    "DOCUMENT_MAX_MB",
    "LINE_MODELS",
    "REMINDER_INTERVAL_DAYS",
    "REPORT_DELAY_DAYS",
    "ApplicationWorkflow",
    "add_criterion",
    "add_document",
    "add_earmark",
    "add_line",
    "add_review",
    "create_application",
    "create_contribution",
    "create_funder",
    "decide_application",
    "euros",
    "missing_parts",
    "record_payment",
    "record_receipt",
    "remove_document",
    "remove_line",
    "request_information",
    "revise_decision",
    "save_call",
    "send_report_reminders",
    "set_call_status",
    "start_review",
    "submit_application",
    "submit_final_report",
    "update_application",
    "weighted_score",
    "withdraw_application",
]

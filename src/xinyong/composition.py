"""The composition root: the one place that assembles the capabilities into the platform.

Everything that used to register itself when imported is listed here instead: the modules whose tables
make up the schema, the API and page routers, the CLI groups, the event subscriptions and the
credit-file sections. The app factory (:mod:`xinyong.app`), the CLI (:mod:`xinyong.cli`) and the
migrations and the test suite call :func:`assemble` first; the shared kernel, which may not import a
capability, only checks that it ran (:mod:`xinyong.core.assembly`). A new capability adds its lines here and nowhere else.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xinyong.core import assembly, events, vocabulary

if TYPE_CHECKING:  # typer and fastapi are imported by the CLI and the app, not by every process assembling
    import typer
    from fastapi import APIRouter

#: modules whose tables make up the schema (Alembic and the app see every table through these)
MODEL_MODULES: list[str] = [
    "xinyong.core.models",
    "xinyong.core.outbox",
    "xinyong.subjects.models",
    "xinyong.records.models",
    "xinyong.listing.models",
    "xinyong.measures.models",
    "xinyong.disclosure.models",
    "xinyong.repair.models",
    "xinyong.ledger.models",
    "xinyong.statistics.models",
    "xinyong.agencies.models",
    "xinyong.subject_accounts.models",
    "xinyong.ops.models",
]

#: "module:attribute" of each API and page router, in the order they are mounted
ROUTERS: list[str] = [
    "xinyong.subjects.api:router",
    "xinyong.subjects.pages:router",
    "xinyong.catalog.api:router",
    "xinyong.records.api:router",
    "xinyong.records.pages:router",
    "xinyong.measures.api:router",
    "xinyong.measures.pages:router",
    "xinyong.listing.api:router",
    "xinyong.listing.pages:router",
    "xinyong.repair.api:router",
    "xinyong.repair.pages:router",
    "xinyong.ledger.api:router",
    "xinyong.ledger.pages:router",
    "xinyong.home.pages:router",
    "xinyong.disclosure.api:router",
    "xinyong.disclosure.pages:router",
    "xinyong.console.pages:router",
    "xinyong.statistics.api:router",
    "xinyong.statistics.pages:router",
    "xinyong.agencies.api:router",
    "xinyong.agencies.pages:router",
    "xinyong.subject_accounts.pages:router",
    "xinyong.ops.api:router",
    "xinyong.ops.pages:router",
]

#: (command group, "module:attribute" of its Typer app), added to the ``xinyong`` command
CLI_GROUPS: list[tuple[str, str]] = [
    ("audit", "xinyong.core.audit.cli:app"),
    ("access-log", "xinyong.console.cli:access_log_app"),
    ("workdays", "xinyong.listing.cli:workdays_app"),
    ("listing", "xinyong.listing.cli:listing_app"),
    ("disclosure", "xinyong.disclosure.cli:app"),
    ("screen", "xinyong.measures.cli:screen_app"),
    ("push", "xinyong.measures.cli:push_app"),
    ("measures", "xinyong.measures.cli:measures_app"),
    ("repair", "xinyong.repair.cli:app"),
    ("ledger", "xinyong.ledger.cli:app"),
    ("export", "xinyong.disclosure.cli:export_app"),
    ("upstream", "xinyong.disclosure.cli:upstream_app"),
    ("agencies", "xinyong.agencies.cli:app"),
    ("subject-accounts", "xinyong.subject_accounts.cli:app"),
    ("scheduler", "xinyong.ops.cli:scheduler_app"),
    ("keys", "xinyong.ops.cli:keys_app"),
]

#: (name, "module:attribute") of commands at the top level of ``xinyong``
CLI_COMMANDS: list[tuple[str, str]] = [
    ("deadlines", "xinyong.listing.cli:deadlines"),
    ("migrate", "xinyong.ops.cli:migrate"),
]

#: (group of the core CLI, "module:attribute" of a Typer app whose commands join that group)
CLI_EXTENSIONS: list[tuple[str, str]] = [
    ("principal", "xinyong.console.cli:principal_extra"),
]

#: modules with a ``SUBSCRIPTIONS`` list of (event type or topic, handler), registered in this order:
#: the screening index, cases and pushes first, then the listings and the publications that rest on a
#: withdrawn record (their own ends are published on and reach measures in the same transaction)
SUBSCRIBER_MODULES: list[str] = [
    "xinyong.measures.push",
    "xinyong.listing.subscribers",
    "xinyong.disclosure.subscribers",
    "xinyong.disclosure.upstream",
]

#: (outbox topic, "module:attribute" of a handler) run when a receiver acknowledges a message of the topic
#: (xinyong.core.delivery.on_acknowledged): the upstream platform's receipts
ACK_HANDLERS: list[tuple[str, str]] = [
    ("upstream.shuanggongshi", "xinyong.disclosure.upstream:acknowledged"),
]

#: (section name, "module:attribute" of its provider) of the credit file (信用档案), in display order
CREDIT_FILE_SECTIONS: list[tuple[str, str]] = [
    ("records", "xinyong.records.service:records_of"),
    ("listings", "xinyong.listing.service:listings_section"),
    ("listing_interviews", "xinyong.listing.service:interviews_section"),
    ("repair", "xinyong.repair.service:credit_file_section"),
    ("objections", "xinyong.disclosure.service:objections_section"),
]

#: (kind, "module:attribute" of a code → Chinese name table, or of a function returning one): the names
#: pages show instead of codes (the ``zh`` template filter, :mod:`xinyong.core.vocabulary`)
VOCABULARIES: list[tuple[str, str]] = [
    ("record_status", "xinyong.records.service:RECORD_STATUSES"),
    ("document_type", "xinyong.records.rules:DOCUMENT_TYPE_NAMES"),
    ("severity", "xinyong.records.rules:SEVERITY_NAMES"),
    ("listing_state", "xinyong.listing.rules:STATE_NAMES"),
    ("listing_action", "xinyong.listing.rules:ACTION_NAMES"),
    ("listing_action", "xinyong.listing.history:OTHER_ACTION_NAMES"),
    ("list_kind", "xinyong.listing.rules:KIND_NAMES"),
    ("interview", "xinyong.listing.rules:INTERVIEW_NAMES"),
    ("listing_end_reason", "xinyong.listing.rules:REMOVAL_REASONS"),
    ("link_role", "xinyong.subjects.rules:LINK_ROLES"),
    ("list_type", "xinyong.listing.reads:list_type_names"),
    ("case_status", "xinyong.measures.cases:STATUS_NAMES"),
    ("case_event", "xinyong.measures.cases:EVENT_NAMES"),
    ("case_stage", "xinyong.measures.joint_rules:STAGE_NAMES"),
    ("matter", "xinyong.measures.rules:MATTERS"),
    ("measure_category", "xinyong.measures.rules:CATEGORY_NAMES"),
    ("batch_state", "xinyong.measures.batch_jobs:STATE_NAMES"),
    ("delivery_topic", "xinyong.measures.deliveries:TOPIC_NAMES"),
    ("delivery_status", "xinyong.core.outbox:STATUS_NAMES"),
    ("repair_part_status", "xinyong.repair.shared:PART_STATUS_NAMES"),
    ("repair_target", "xinyong.repair.shared:KIND_NAMES"),
    ("repair_status", "xinyong.repair.shared:OVERALL_NAMES"),
    ("repair_outcome", "xinyong.repair.rules:OUTCOME_NAMES"),
    ("objection_status", "xinyong.disclosure.rules:OBJECTION_STATUS_NAMES"),
    ("objection_outcome", "xinyong.disclosure.rules:OUTCOME_NAMES"),
    ("share_scope", "xinyong.disclosure.rules:SHARE_SCOPE_NAMES"),
    ("consent_purpose", "xinyong.disclosure.rules:CONSENT_PURPOSE_NAMES"),
    ("subject_kind", "xinyong.disclosure.common:KIND_NAMES"),
    ("access_flag", "xinyong.core.audit.review:FLAG_NAMES_ZH"),
    ("credit_file_section", "xinyong.subjects.credit_file:SECTION_NAMES"),
]

#: "module:attribute" of each list of the officer's own work on the console home (a
#: ``xinyong.console.work.WorkList``: its title, the read's action, the page, a read through the use case)
CONSOLE_WORK: list[str] = [
    "xinyong.console.work:listing_deadlines",
    "xinyong.console.work:cases_for_approval",
    "xinyong.console.work:objections_to_answer",
    "xinyong.console.work:repair_parts",
    "xinyong.console.work:late_publications",
]

#: what a served process loads ahead of its first requests, in the background once it has started
#: (``xinyong.app.create_served_app``): each a function of no arguments
WARMUPS: list[str] = [
    "xinyong.measures.name_index:warm",
]

_lock = threading.RLock()
_done = False


def _attr(spec: str) -> Any:
    module, attr = spec.split(":")
    return getattr(importlib.import_module(module), attr)


def load_models() -> None:
    """Map every table (Alembic's metadata, the audit chain's history tables)."""
    for module in MODEL_MODULES:
        importlib.import_module(module)


def _subscribe(topic_or_type: type[events.DomainEvent] | str, handler: Callable[..., None]) -> None:
    if isinstance(topic_or_type, str):
        events.subscribe(topic_or_type, handler)
    else:
        events.on(topic_or_type, handler)


def assemble() -> None:
    """Map the tables, register the event subscriptions and the credit-file sections (idempotent)."""
    global _done
    with _lock:
        if _done:
            return
        load_models()
        for module in SUBSCRIBER_MODULES:
            for topic_or_type, handler in importlib.import_module(module).SUBSCRIPTIONS:
                _subscribe(topic_or_type, handler)
        from xinyong.core.delivery import on_acknowledged

        for topic, spec in ACK_HANDLERS:
            on_acknowledged(topic, _attr(spec))
        from xinyong.subjects.credit_file import register_section

        for name, spec in CREDIT_FILE_SECTIONS:
            register_section(name, _attr(spec))
        for kind, spec in VOCABULARIES:
            vocabulary.register(kind, _attr(spec))
        from xinyong.console.work import register_work

        for spec in CONSOLE_WORK:
            register_work(_attr(spec))
        _done = True
        assembly.mark_assembled()


def routers() -> list[APIRouter]:
    assemble()
    return [_attr(spec) for spec in ROUTERS]


def warmups() -> list[Callable[[], None]]:
    assemble()
    return [_attr(spec) for spec in WARMUPS]


def add_cli(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add the capabilities' command groups and commands to the ``xinyong`` command."""
    assemble()
    for name, spec in CLI_GROUPS:
        app.add_typer(_attr(spec), name=name)
    for name, spec in CLI_COMMANDS:
        app.command(name)(_attr(spec))
    for group, spec in CLI_EXTENSIONS:
        groups[group].registered_commands += _attr(spec).registered_commands

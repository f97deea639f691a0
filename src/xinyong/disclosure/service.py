"""Use cases of disclosure and sharing, one module per concept; this module gathers their public names
for existing callers (the composition root's ``objections_section``, the subscribers' ``end_publication``).

- :mod:`.portal` — the public page and search (信用公示), the subject's own record (本人查询);
- :mod:`.objections` — objections and their answers (谁认定、谁答复, 淮政办发〔2021〕13号 §四(一));
- :mod:`.consent` — consent by the subject or on its behalf (国办发〔2020〕49号 §（十四））;
- :mod:`.publications` — 7-working-day tracking (发改办财金〔2018〕893号 §四), the late list, end of publication;
- :mod:`.sharing` — the share interface and share scopes (国办发〔2020〕49号 §（三））;
- :mod:`.views` and :mod:`.common` — what those share.

Each use case takes the actor and opens its door (:func:`xinyong.core.usecase.use_case`); the routes
(api.py), pages (pages.py) and commands (cli.py) only translate around them. Every decision about what
is shown is in :mod:`.rules`.
"""

from __future__ import annotations

from xinyong.disclosure.common import (
    KIND_NAMES,
    check_text,
    china_date,
    current_item,
    find_subject,
    item_for,
    note,
    owner_department,
    record_facts,
    regimes,
    region_clause,
    subject_facts,
)
from xinyong.disclosure.consent import (
    ConsentInput,
    consent_facts,
    consent_row,
    consents_of,
    consents_view,
    give_consent_on_behalf,
    give_own_consent,
    own_consents,
    record_consent,
    revoke_consent,
    revoke_own_consent,
)
from xinyong.disclosure.objections import (
    Download,
    Upload,
    answer_objection,
    file_objection,
    get_objection,
    list_objections,
    may_answer,
    objection_facts,
    objection_row,
    objections_for,
    objections_of_subject,
    objections_section,
    open_objections,
    read_attachment,
    read_objection,
    self_objections,
)
from xinyong.disclosure.portal import (
    SearchPage,
    portal_search,
    public_search,
    public_subject,
    search,
    self_record,
)
from xinyong.disclosure.publications import (
    DEADLINE_BASIS,
    LatePublications,
    deadline_rows,
    end_expired,
    end_publication,
    expire_publications,
    late_by_department,
    late_publications,
    sync_publications,
)
from xinyong.disclosure.sharing import (
    grant_scopes,
    read_share_scopes,
    scopes_for,
    set_share_scopes,
    share_scopes_of,
    share_subject,
    viewer_for,
)
from xinyong.disclosure.views import (
    View,
    listings_of,
    subject_view,
)

__all__ = [
    "DEADLINE_BASIS",
    "KIND_NAMES",
    "ConsentInput",
    "Download",
    "LatePublications",
    "SearchPage",
    "Upload",
    "View",
    "answer_objection",
    "check_text",
    "china_date",
    "consent_facts",
    "consent_row",
    "consents_of",
    "consents_view",
    "current_item",
    "deadline_rows",
    "end_expired",
    "end_publication",
    "expire_publications",
    "file_objection",
    "find_subject",
    "get_objection",
    "give_consent_on_behalf",
    "give_own_consent",
    "grant_scopes",
    "item_for",
    "late_by_department",
    "late_publications",
    "list_objections",
    "listings_of",
    "may_answer",
    "note",
    "objection_facts",
    "objection_row",
    "objections_for",
    "objections_of_subject",
    "objections_section",
    "open_objections",
    "own_consents",
    "owner_department",
    "portal_search",
    "public_search",
    "public_subject",
    "read_attachment",
    "read_objection",
    "read_share_scopes",
    "record_consent",
    "record_facts",
    "regimes",
    "region_clause",
    "revoke_consent",
    "revoke_own_consent",
    "scopes_for",
    "search",
    "self_objections",
    "self_record",
    "set_share_scopes",
    "share_scopes_of",
    "share_subject",
    "subject_facts",
    "subject_view",
    "sync_publications",
    "viewer_for",
]

"""ITK3 responses to the bot's GP Connect Send Document messages, and MESH's non-delivery
reports: what reaches the bot's own MESH mailbox about a case it sent.

Source: NHS England, ITK3 Messaging Distribution ("ITK3 Response Codes", "ITK 3 Error Codes")
and GP Connect Send Document 1.3.2 (GPCM-SD-092: acknowledgements travel by MESH with workflow
GPFED_CONSULT_REPORT_ACK). An ITK Response is an ITK-Message-Bundle-1 whose MessageHeader has
event ITK008M; its `response.identifier` is the id of the MessageHeader it answers and its
`response.code` is `ok`, `transient-error` or `fatal-error`; an OperationOutcome carries the ITK
response code (CodeSystem ITK-ResponseCodes-1): 10001-20012 negative infrastructure
acknowledgements, 20013 the positive infrastructure acknowledgement (received by the GP
system), 30001 the positive business acknowledgement (the patient is known: filed in the
record), 30002 and 30003 negative business acknowledgements. Every negative code is final: no
further response follows it.

A MESH report (`Mex-MessageType: REPORT`, `Mex-StatusSuccess: ERROR`) names the message it is
about in `Mex-LinkedMsgID` (and repeats its local id): MESH could not deliver it, or the
practice's system did not download it in time (status code 14), so it is not in the record.

Nothing read here is kept but the kind of answer, the ITK or MESH status code and the ids that
match it to a case: never the message's free text.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from typing import Any, Literal

ACK_WORKFLOW_ID = "GPFED_CONSULT_REPORT_ACK"
RESPONSE_EVENT = "ITK008M"
RESPONSE_CODES = "https://fhir.nhs.uk/STU3/CodeSystem/ITK-ResponseCodes-1"
RECEIVED_CODE = "20013"
FILED_CODE = "30001"

_HEADER_IDS = uuid.UUID("6f1d2b7e-3c4a-5e8f-9a0b-1c2d3e4f5a6b")


def header_id(sender_mailbox: str, local_id: str) -> str:
    """The MessageHeader id of the Send Document message with this MESH local id from this
    mailbox: the same for every try of one outbox item (a UUID, version 5), so that the ITK
    Response to any try names it, and a GP system's duplicate check (ITK code 20007) sees a
    retry as the same message."""
    return str(uuid.uuid5(_HEADER_IDS, f"{sender_mailbox}/{local_id}"))


Kind = Literal["received", "filed", "rejected", "undelivered"]


@dataclass(frozen=True, slots=True)
class Answer:
    """What a message in the bot's MESH inbox says about a message the bot sent.

    `kind`: received by the GP system (positive infrastructure acknowledgement), filed in the
    record (positive business acknowledgement), rejected (any negative acknowledgement), or
    undelivered (a MESH non-delivery report). `code`: the ITK response code or MESH status
    code (digits, at most 8 characters; "" if none). `answers`: the MessageHeader id it
    answers (ITK), or `linked`: the MESH message id it reports on and `local_id` (MESH).
    `sender`: the MESH mailbox an ITK Response came from (`Mex-From`, which MESH sets from
    the sending mailbox's login, so it cannot be forged), "" for a report (MESH's own).
    """

    kind: Kind
    code: str
    answers: str = ""
    linked: str = ""
    local_id: str = ""
    sender: str = ""


def _code(value: object) -> str:
    found = str(value or "")
    return found if found.isdigit() and len(found) <= 8 else ""


def read_answer(headers: dict[str, str], body: bytes) -> Answer | None:
    """The answer a MESH inbox message holds (`headers`: its Mex- headers, lower case, without
    the prefix, as mesh-client gives them), or None for anything else (another workflow's
    message, something unreadable). An ITK Response keeps the mailbox it came from (`from`):
    only one from the mailbox the case was sent to is about it (`RecordAnswers`)."""
    if headers.get("messagetype", "").upper() == "REPORT":
        if headers.get("statussuccess", "").upper() != "ERROR":
            return None
        linked, local = headers.get("linkedmsgid", ""), headers.get("localid", "")
        if not linked and not local:
            return None
        return Answer("undelivered", _code(headers.get("statuscode")), linked=linked,
                      local_id=local)
    if headers.get("workflowid", "") != ACK_WORKFLOW_ID:
        return None
    try:
        bundle = json.loads(body)
        found = _read_response(bundle) if isinstance(bundle, dict) else None
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None
    return replace(found, sender=headers.get("from", "")) if found is not None else None


def _read_response(bundle: dict[str, Any]) -> Answer | None:
    resources = [entry.get("resource") or {} for entry in bundle.get("entry") or []]
    header = next((r for r in resources if r.get("resourceType") == "MessageHeader"), None)
    if header is None or (header.get("event") or {}).get("code") != RESPONSE_EVENT:
        return None
    response = header.get("response") or {}
    answers = str(response.get("identifier") or "")
    if not answers:
        return None
    codes = [_code(coding.get("code"))
             for r in resources if r.get("resourceType") == "OperationOutcome"
             for issue in r.get("issue") or []
             for coding in (issue.get("details") or {}).get("coding") or []
             if coding.get("system") == RESPONSE_CODES]
    codes = [c for c in codes if c]
    code = codes[0] if codes else ""
    if response.get("code") != "ok" or code not in (RECEIVED_CODE, FILED_CODE):
        return Answer("rejected", code, answers=answers)
    return Answer("filed" if code == FILED_CODE else "received", code, answers=answers)


def response_bundle(answering: str, code: str, *, sender_ods: str, sender_mailbox: str,
                    timestamp: str) -> dict[str, Any]:
    """An ITK Response (ITK008M) to the MessageHeader `answering` with one ITK response code,
    as a GP system sends it (FHIR STU3 JSON, a dict): the sandbox's practice answers with it,
    and the tests do. `code` 20013 or 30001 is positive (`ok`), any other `fatal-error`."""
    ids = {name: str(uuid.uuid4()) for name in ("message", "header", "outcome", "sender")}
    positive = code in (RECEIVED_CODE, FILED_CODE)
    outcome = {
        "resourceType": "OperationOutcome", "id": ids["outcome"],
        "meta": {"profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/"
                             "ITK-OperationOutcome-1"]},
        "issue": [{"severity": "information" if positive else "fatal",
                   "code": "informational" if positive else "processing",
                   "details": {"coding": [{"system": RESPONSE_CODES, "code": code}]}}]}
    sender = {"resourceType": "Organization", "id": ids["sender"],
              "identifier": [{"system": "https://fhir.nhs.uk/Id/ods-organization-code",
                              "value": sender_ods}]}
    header = {
        "resourceType": "MessageHeader", "id": ids["header"],
        "meta": {"profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/"
                             "ITK-MessageHeader-2"]},
        "event": {"system": "https://fhir.nhs.uk/STU3/CodeSystem/ITK-MessageEvent-2",
                  "code": RESPONSE_EVENT, "display": "ITK Response"},
        "timestamp": timestamp, "source": {"endpoint": sender_mailbox},
        "sender": {"reference": f"urn:uuid:{ids['sender']}"},
        "response": {"identifier": answering, "code": "ok" if positive else "fatal-error",
                     "details": {"reference": f"urn:uuid:{ids['outcome']}"}},
        "focus": [{"reference": f"urn:uuid:{ids['outcome']}"}]}
    return {"resourceType": "Bundle", "id": ids["message"], "type": "message",
            "meta": {"profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/"
                                 "ITK-Message-Bundle-1"]},
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r}
                      for r in (header, outcome, sender)]}

"""The GP Connect Send Document message: an ITK3 FHIR STU3 message bundle holding a document
bundle with the referral pack PDF.

Source: NHS England, GP Connect Send Document 1.3.2 (requirements GPCM-SD-037 to -105):
ITK-Message-Bundle-1 (type `message`) whose ITK-MessageHeader-2 has event ITK007C
(ITK-MessageEvent-2), the ITK-MessageHandling-2 extension (BusAckRequested and InfAckRequested
true, RecipientType, MessageDefinition ITK-GPConnectSendDocument-MessageDefinition-Instance-1,
SenderReference, LocalExtension), the sender's MESH mailbox as `source` and no `receiver`; a
CareConnect-ITK-Header-Organization-1 for the sender; and, as its focus, an
ITK-Document-Bundle-1 (type `document`) with a CareConnect-Composition-1, the patient
(CareConnect-Patient-1: NHS number and date of birth), the practice organisation, and a
DocumentReference whose attachment is a Binary holding the PDF.

The patient's name is not in the bundle: the bot never asks for it (data minimisation), so
this bundle goes to the practice's own mailbox, not through MESH's NHS-number routing.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

WORKFLOW_ID = "GPFED_CONSULT_REPORT"
EVENT_SYSTEM = "https://fhir.nhs.uk/STU3/CodeSystem/ITK-MessageEvent-2"
EVENT_CODE, EVENT_DISPLAY = "ITK007C", "ITK GP Connect Send Document"
MESSAGE_DEFINITION = ("https://fhir.nhs.uk/STU3/MessageDefinition/"
                      "ITK-GPConnectSendDocument-MessageDefinition-Instance-1")
ODS = "https://fhir.nhs.uk/Id/ods-organization-code"
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
SNOMED = "http://snomed.info/sct"
CONSULTATION_REPORT = ("371530004", "Clinical consultation report")
"""SNOMED CT record artifact for the document type (a report of a consultation)."""


def _profile(name: str) -> dict[str, Any]:
    return {"profile": [f"https://fhir.nhs.uk/STU3/StructureDefinition/{name}"]}


@dataclass(frozen=True, slots=True)
class SendDocument:
    """What goes into one Send Document message."""

    case_reference: str
    submission: int
    title: str
    pdf: bytes
    pdf_name: str
    nhs_number: str
    birth_date: str
    """YYYY-MM-DD."""
    practice_name: str
    practice_ods: str
    sender_ods: str
    sender_mailbox: str
    timestamp: str
    """ISO 8601 with a time zone."""
    header_id: str = ""
    """The MessageHeader's id, which the ITK Response names (`itk_response.header_id`: the
    same for every try); a new UUID when empty."""


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _handling(url: str, key: str, value: Any) -> dict[str, Any]:
    return {"url": url, key: value}


def build_bundle(doc: SendDocument) -> dict[str, Any]:
    """The message bundle as FHIR STU3 JSON (a dict)."""
    ids = {name: str(uuid.uuid4()) for name in (
        "message", "header", "sender", "document", "composition", "patient", "practice",
        "reference", "binary")}
    ids["header"] = doc.header_id or ids["header"]
    sender = {"resourceType": "Organization", "id": ids["sender"],
              "meta": _profile("CareConnect-ITK-Header-Organization-1"),
              "identifier": [{"system": ODS, "value": doc.sender_ods}],
              "name": "Teledermatology photo service"}
    practice = {"resourceType": "Organization", "id": ids["practice"],
                "meta": _profile("CareConnect-Organization-1"),
                "identifier": [{"system": ODS, "value": doc.practice_ods}],
                "name": doc.practice_name}
    patient = {"resourceType": "Patient", "id": ids["patient"],
               "meta": _profile("CareConnect-Patient-1"),
               "identifier": [{"system": NHS_NUMBER, "value": doc.nhs_number}],
               "birthDate": doc.birth_date}
    binary = {"resourceType": "Binary", "id": ids["binary"], "contentType": "application/pdf",
              "content": base64.b64encode(doc.pdf).decode("ascii")}
    reference = {
        "resourceType": "DocumentReference", "id": ids["reference"],
        "meta": _profile("CareConnect-DocumentReference-1"), "status": "current",
        "type": {"coding": [{"system": SNOMED, "code": CONSULTATION_REPORT[0],
                             "display": CONSULTATION_REPORT[1]}]},
        "subject": {"reference": f"urn:uuid:{ids['patient']}"},
        "indexed": doc.timestamp, "description": doc.title,
        "content": [{"attachment": {"contentType": "application/pdf",
                                    "url": f"urn:uuid:{ids['binary']}",
                                    "title": doc.pdf_name, "size": len(doc.pdf)}}]}
    composition = {
        "resourceType": "Composition", "id": ids["composition"],
        "meta": _profile("CareConnect-Composition-1"), "status": "final",
        "identifier": {"system": "https://tools.ietf.org/html/rfc4122",
                       "value": ids["composition"]},
        "type": {"coding": [{"system": SNOMED, "code": CONSULTATION_REPORT[0],
                             "display": CONSULTATION_REPORT[1]}]},
        "subject": {"reference": f"urn:uuid:{ids['patient']}"},
        "date": doc.timestamp, "author": [{"reference": f"urn:uuid:{ids['sender']}"}],
        "custodian": {"reference": f"urn:uuid:{ids['practice']}"},
        "title": doc.title,
        "section": [{"title": doc.title,
                     "entry": [{"reference": f"urn:uuid:{ids['reference']}"}]}]}
    document = {"resourceType": "Bundle", "id": ids["document"],
                "meta": _profile("ITK-Document-Bundle-1"), "type": "document",
                "identifier": {"system": "https://tools.ietf.org/html/rfc4122",
                               "value": ids["document"]},
                "entry": [_entry(r) for r in (composition, patient, practice, sender,
                                              reference, binary)]}
    handling = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-ITK-MessageHandling-2"
    header = {
        "resourceType": "MessageHeader", "id": ids["header"],
        "meta": _profile("ITK-MessageHeader-2"),
        "extension": [{"url": handling, "extension": [
            _handling("BusAckRequested", "valueBoolean", True),
            _handling("InfAckRequested", "valueBoolean", True),
            _handling("RecipientType", "valueCoding", {
                "system": "https://fhir.nhs.uk/STU3/CodeSystem/ITK-RecipientType-1",
                "code": "FA", "display": "For Action"}),
            _handling("MessageDefinition", "valueReference", {"reference": MESSAGE_DEFINITION}),
            _handling("SenderReference", "valueString",
                      f"{doc.case_reference}-s{doc.submission}"),
            _handling("LocalExtension", "valueString", "None")]}],
        "event": {"system": EVENT_SYSTEM, "code": EVENT_CODE, "display": EVENT_DISPLAY},
        "sender": {"reference": f"urn:uuid:{ids['sender']}"},
        "timestamp": doc.timestamp,
        "source": {"endpoint": doc.sender_mailbox},
        "focus": [{"reference": f"urn:uuid:{ids['document']}"}]}
    return {"resourceType": "Bundle", "id": ids["message"],
            "meta": _profile("ITK-Message-Bundle-1"), "type": "message",
            "identifier": {"system": "https://tools.ietf.org/html/rfc4122",
                           "value": ids["message"]},
            "entry": [_entry(header), _entry(sender), _entry(document)]}


def bundle_bytes(doc: SendDocument) -> bytes:
    """The message bundle as UTF-8 JSON, ready for MESH."""
    return json.dumps(build_bundle(doc), separators=(",", ":")).encode("utf-8")

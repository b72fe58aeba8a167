"""Reading what reaches the bot's MESH inbox: ITK Responses as a GP system sends them, and MESH
reports; anything else is no answer, and nothing but codes and ids is taken from it."""

from __future__ import annotations

import json

from bot.channels.itk_response import (
    ACK_WORKFLOW_ID,
    Answer,
    header_id,
    read_answer,
    response_bundle,
)

ACK = {"workflowid": ACK_WORKFLOW_ID, "messagetype": "DATA"}


def response(code: str, answering: str = "3f2b") -> bytes:
    return json.dumps(response_bundle(answering, code, sender_ods="Y12345",
                                      sender_mailbox="X26ABC2",
                                      timestamp="2026-12-01T10:00:00+00:00")).encode()


def test_each_itk_code_is_read_as_received_filed_or_refused() -> None:
    assert read_answer(ACK, response("20013")) == Answer("received", "20013", answers="3f2b")
    assert read_answer(ACK, response("30001")) == Answer("filed", "30001", answers="3f2b")
    assert read_answer(ACK, response("30002")) == Answer("rejected", "30002", answers="3f2b")
    assert read_answer(ACK, response("20009")) == Answer("rejected", "20009", answers="3f2b")


def test_a_positive_code_under_an_error_response_is_a_refusal() -> None:
    bundle = json.loads(response("30001"))
    bundle["entry"][0]["resource"]["response"]["code"] = "fatal-error"
    found = read_answer(ACK, json.dumps(bundle).encode())
    assert found is not None and found.kind == "rejected"


def test_free_text_in_a_code_is_not_kept() -> None:
    bundle = json.loads(response("30002"))
    bundle["entry"][1]["resource"]["issue"][0]["details"]["coding"][0]["code"] = "Mrs Smith"
    assert read_answer(ACK, json.dumps(bundle).encode()) == Answer("rejected", "",
                                                                    answers="3f2b")


def test_other_messages_are_no_answer() -> None:
    assert read_answer({"workflowid": "TOC_FHIR_IP_DISCH"}, response("30001")) is None
    assert read_answer(ACK, b"not json") is None
    assert read_answer(ACK, b"[1, 2]") is None
    no_identifier = json.loads(response("30001"))
    del no_identifier["entry"][0]["resource"]["response"]["identifier"]
    assert read_answer(ACK, json.dumps(no_identifier).encode()) is None


def test_a_mesh_error_report_is_non_delivery_of_the_linked_message() -> None:
    report = {"messagetype": "REPORT", "statussuccess": "ERROR", "statuscode": "14",
              "linkedmsgid": "ABC123", "localid": "TD-7Q2K-s1-o42"}
    assert read_answer(report, b"") == Answer("undelivered", "14", linked="ABC123",
                                              local_id="TD-7Q2K-s1-o42")
    assert read_answer({**report, "statussuccess": "SUCCESS"}, b"") is None


def test_the_header_id_is_the_same_for_every_try_and_differs_by_message_and_sender() -> None:
    first = header_id("X26ABC1", "TD-7Q2K-s1-o42")
    assert first == header_id("X26ABC1", "TD-7Q2K-s1-o42")
    assert first != header_id("X26ABC1", "TD-7Q2K-s1-o43")
    assert first != header_id("X26OTHER", "TD-7Q2K-s1-o42")


def test_an_itk_response_keeps_the_mailbox_it_came_from() -> None:
    """MESH's `Mex-From`: only a response from the mailbox the case went to is about it."""
    found = read_answer({**ACK, "from": "X26ABC3"}, response("30001"))
    assert found is not None and found.sender == "X26ABC3"
    assert found.kind == "filed"

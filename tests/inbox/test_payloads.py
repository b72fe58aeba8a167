"""Typed button payloads: every shape survives signing and parsing; anything else is refused."""

from __future__ import annotations

from typing import get_args

from bot.inbox.payloads import (
    AddMemberAt,
    CaseAction,
    ChangeInvite,
    ChooseGp,
    ChoosePractice,
    Decide,
    OpenCase,
    Payload,
    TaskDone,
    parse,
    to_parts,
)
from bot.services.buttons import ButtonSigner

SIGNER = ButtonSigner(b"k" * 32)
CHAT = -1001234567890


def decided(action: CaseAction) -> Decide:
    extra = {"photos": {"mask": 5, "summary_id": 1234567, "under_way": 9876543210},
             "why": {"mask": 3, "summary_id": 77},
             "refer": {"under_way": 9876543210}, "appt": {"under_way": 1234567},
             "back": {"summary_id": 1234567, "mask": 7},
             "redo": {"mask": 7, "reason": "blurred", "summary_id": 123456},
             "appt_go": {"reason": "in_person"}, "refer_go": {"summary_id": 99},
             "appt_yes": {"reason": "exclusion", "summary_id": 1234567}}
    return Decide(action, 4242, 3, **extra.get(action, {}))  # type: ignore[arg-type]


def test_every_payload_comes_back_from_its_signed_button_data() -> None:
    payloads: list[Payload] = [OpenCase(7), ChooseGp(0), ChooseGp(12), TaskDone(8),
                               ChoosePractice(3), AddMemberAt(4),
                               ChangeInvite("resend", 3, "open"),
                               ChangeInvite("stop", 3, "opened"),
                               *(decided(action) for action in get_args(CaseAction))]
    for payload in payloads:
        data = SIGNER.sign(CHAT, *to_parts(payload))
        assert len(data.encode()) <= 64, "Telegram's limit"
        parts = SIGNER.verify(CHAT, data)
        assert parts is not None and parse(parts) == payload


def test_a_decision_button_keeps_the_wire_form_of_earlier_buttons() -> None:
    """Buttons already in GP chats (before payloads were typed) still work."""
    assert parse(["refer", "42", "s1"]) == Decide("refer", 42, 1)
    assert parse(["photos", "42", "0", "s2"]) == Decide("photos", 42, 2, mask=0)
    # tick boxes made before they came under their own question (on the summary itself)
    assert parse(["photos", "42", "5", "s2"]) == Decide("photos", 42, 2, mask=5)
    assert parse(["why", "42", "5", "s2"]) == Decide("why", 42, 2, mask=5)
    assert parse(["back", "42", "s2"]) == Decide("back", 42, 2)
    # a Back made before it carried the photos ticked: none ticked
    assert parse(["back", "42", "1234567", "s2"]) == Decide("back", 42, 2, summary_id=1234567)
    assert parse(["back", "42", "1234567", "5", "s2"]) == Decide("back", 42, 2, mask=5,
                                                                  summary_id=1234567)
    # the summary's choices made before they named a decision under way: none
    assert parse(["photos", "42", "5", "1234567", "s2"]) == Decide("photos", 42, 2, mask=5,
                                                                    summary_id=1234567)
    assert parse(["appt", "42", "s2"]) == Decide("appt", 42, 2)
    assert parse(["refer", "42", "77", "s2"]) == Decide("refer", 42, 2, under_way=77)
    assert parse(["open", "42"]) == OpenCase(42)


def test_unknown_or_malformed_parts_are_refused() -> None:
    for parts in (["refer", "42"], ["refer", "x", "s1"], ["photos", "42", "s1"],
                  ["redo", "42", "7", "blurred", "s1"], ["photos", "42", "a", "s1"],
                  ["delete_everything", "42", "s1"], ["open"], ["open", "42", "extra"],
                  ["resend", "3"], ["refer", "42", "1"]):
        assert parse(parts) is None, parts

"""NHS numbers at invite time: the modulus-11 check digit, asked for only where the practice
delivers by MESH, and erased with the case."""

from __future__ import annotations

from datetime import date

from bot.channels.nhs_number import check_digit, valid_nhs_number
from bot.inbox.staff import InviteRequest, read_invite_request
from bot.store import Store
from bot.store.models import Stage

TODAY = date(2026, 11, 29)


def test_the_check_digit_is_modulus_11() -> None:
    assert valid_nhs_number("9434765919") == "9434765919"
    assert valid_nhs_number("943 476 5919") == valid_nhs_number("943-476-5919") == "9434765919"
    assert valid_nhs_number("9434765918") is None, "one digit wrong"
    assert valid_nhs_number("4010232137") == "4010232137"
    assert valid_nhs_number("943476591") is None and valid_nhs_number("94347659190") is None
    assert check_digit("000000006") is None, "12: a remainder of 1 gives 10: no valid number"
    assert check_digit("000000000") == 0, "a remainder of 0 gives 11, written 0"


def test_staff_give_the_nhs_number_only_where_the_practice_uses_mesh() -> None:
    assert read_invite_request("ABC123 03/02/1980 943 476 5919", TODAY,
                               wants_nhs_number=True) == InviteRequest(
        "ABC123", date(1980, 2, 3), "9434765919")
    assert read_invite_request("ABC123 03/02/1980", TODAY, wants_nhs_number=True) == (
        "channels.staff.invite_needs_nhs_number")
    assert read_invite_request("ABC123 03/02/1980 9434765918", TODAY,
                               wants_nhs_number=True) == "channels.staff.invite_bad_nhs_number"
    assert read_invite_request("ABC123 31/02/1980 9434765919", TODAY,
                               wants_nhs_number=True) == (
        "channels.staff.invite_bad_with_nhs_number"), "the example shows all three"
    assert read_invite_request("ABC123 03/02/1980 9434765919", TODAY) == (
        "channels.staff.invite_no_nhs_number")
    assert read_invite_request("9434765919 03/02/1980 9434765919", TODAY,
                               wants_nhs_number=True) == (
        "channels.staff.invite_reference_is_nhs_number"), "not told the number is not kept"
    assert read_invite_request("ABC123 03/02/1980", TODAY) == InviteRequest(
        "ABC123", date(1980, 2, 3))


async def test_the_nhs_number_is_erased_with_the_case(store: Store) -> None:
    practice = await store.practices.add("Lawson", "020 7729 7236")
    invite, _ = await store.invites.create(practice.id, "P-1", "1980-02-03", valid_days=7,
                                           nhs_number="9434765919")
    case = await store.cases.open_from_invite(invite, patient_user_id=5, patient_chat_id=5,
                                              is_child=False)
    found = await store.invites.get(invite.id)
    assert found is not None and found.nhs_number == "9434765919"
    await store.cases.erase(case, Stage.ERASED, actor="patient", reason="patient")
    found = await store.invites.get(invite.id)
    assert found is not None and found.nhs_number is None and found.date_of_birth == ""

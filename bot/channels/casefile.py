"""The case as a record channel sends it: the GP's digest and the referral pack PDF."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import text
from bot.delivery.submission import digest_of, record_pack_of
from bot.inbox.digest import CaseDigest
from bot.inbox.gp_messages import pack_version
from bot.store import Store
from bot.store.models import Case


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything a record channel sends about one submission of a case."""

    digest: CaseDigest
    pdf: bytes
    submission: int
    nhs_number: str | None = None
    """Given by staff at invite time where the practice delivers by MESH; erased with the case."""
    date_of_birth: str | None = None
    """YYYY-MM-DD, from the invite (for the MESH bundle's patient)."""

    @property
    def pack_name(self) -> str:
        """The referral pack's file name, with its version after a re-submission."""
        return text("inbox.gp.pack_name", reference=self.digest.case.reference,
                    version=pack_version(self.submission))


async def case_file(store: Store, case: Case, submission: int, pack_limit: int) -> CaseFile:
    """The digest and the record channels' referral pack (with the NHS number and date of
    birth; at most `pack_limit` bytes; ValueError if the photos cannot fit) of a submitted
    case, built once per submission (`bot.delivery.submission`)."""
    digest = await digest_of(store, case)
    pdf = await record_pack_of(store, case, pack_limit, digest)
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    return CaseFile(digest, pdf, submission,
                    nhs_number=invite.nhs_number if invite else None,
                    date_of_birth=(invite.date_of_birth or None) if invite else None)

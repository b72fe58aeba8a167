"""One photo arriving at a photo step: check it, keep a clean copy, and say what happens next."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Literal, Protocol

from bot.content import text
from bot.domain.questions import worded
from bot.journey.photo_advice import check_advice, refusal_advice
from bot.journey.replies import Button, Reply, button_data, say
from bot.store import Store
from bot.store.models import SHOT_SLOTS, Case, Photo, ShotSlot

log = logging.getLogger("bot.journey")

SEND_ANYWAY_AFTER = 2
CHILD_FACE_HELP_AFTER = 2
"""From the second photo of the same shot refused for showing a child's face, the refusal also
says the check may be wrong and whom to call (the photo is still never kept: the service
excludes children's images where the face can be identified)."""
Source = Literal["photo", "document"]

TELEGRAM_PHOTO_SIDE = 1280
"""Telegram shrinks a picture sent as a photo to this many pixels on its long side (bigger
originals only): a photo smaller than that is the original's own size (hazard log H15)."""


def original_size(source: Source, width: int, height: int) -> bool:
    """Whether a picture of `width` x `height` pixels is the patient's original at its own
    size: sent as a file, or a photo whose long side is under `TELEGRAM_PHOTO_SIDE` (Telegram
    kept its size). Sending such a picture again as a file gives no more detail."""
    return source == "document" or max(width, height) < TELEGRAM_PHOTO_SIDE


class CheckView(Protocol):
    """What the journey reads of one quality check."""

    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def threshold(self) -> float: ...
    @property
    def reason(self) -> str | None: ...


class AssessmentView(Protocol):
    """What the journey reads of the quality engine's answer."""

    @property
    def verdict(self) -> str: ...
    @property
    def checks(self) -> Sequence[CheckView]: ...
    @property
    def image(self) -> bytes | None: ...
    @property
    def refusal(self) -> str | None: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...


Checker = Callable[[bytes, Literal["locator", "close_up"], bool], Awaitable[AssessmentView]]


def shot_of(case: Case) -> ShotSlot | None:
    """Return the shot the case is waiting for, or None if it is not at a photo step."""
    for slot in SHOT_SLOTS:
        if slot == case.stage.value:
            return slot
    return None


def taken_again(case: Case) -> tuple[ShotSlot, ...]:
    """The shots being taken again, in order, the one asked for now among them: those a GP
    asked for (`Case.redo`), or the one photo the patient replaces from the review; () the
    first time through the photos.

    A `redo` that does not hold the current shot is the older form (the shots still to take
    after it), so the current shot is put first.
    """
    shot = shot_of(case)
    if shot is None or not case.return_to_review:
        return ()
    return case.redo if shot in case.redo else (shot, *case.redo)


def may_keep_old(case: Case) -> bool:
    """Whether the photo asked for now is one the patient chose to replace at the review
    ("Replace a photo"), so "Keep the photo I have" may take them back to the review with the
    photo they had: never for a photo the GP asked for again (`Case.redo`), nor the first
    time through the photos."""
    return case.return_to_review and not case.redo and shot_of(case) is not None


def keep_old_rows(case: Case) -> tuple[tuple[Button, ...], ...]:
    """The "Keep the photo I have" button, as rows, where `may_keep_old`; else none."""
    shot = shot_of(case)
    if shot is None or not may_keep_old(case):
        return ()
    return ((Button(text("journey.photos.keep_old"), button_data(shot, "keep", "old")),),)


def which_photo(case: Case) -> str | None:
    """How the patient is told which photo this is when it is taken again, counting only
    the photos wanted now ("New photo 1 of 2", or "New photo" for one); None the first time
    through, where the photo is one of 3 (`journey.photos.locator` and the others)."""
    again = taken_again(case)
    shot = shot_of(case)
    if not again or shot is None:
        return None
    if len(again) == 1:
        return text("journey.photos.which_again_one")
    return text("journey.photos.which_again", number=again.index(shot) + 1, count=len(again))


def shot_heading(case: Case, shot: ShotSlot) -> str:
    """The first line of the request for this photo ("Photo 3 of 3: another close-up.", or
    "New photo: close-up 2." when taken again): put above a retake or a refused file, so the
    patient still sees which photo is wanted and how many there are once the request itself
    has scrolled away."""
    which = which_photo(case)
    if which is not None:
        return text("journey.photos.again", which=which, what=text(f"journey.photos.what_{shot}"))
    return text(f"journey.photos.{shot}").split("\n\n")[0]


def stage_words(case: Case) -> str:
    """The step the case is at, as /status, /delete and the choice of request say it: the
    photo it waits for counted among the photos wanted now when taken again ("New photo 1
    of 2 (the whole area)", `journey.status_words.taking_again`), else the stage's own words
    (`journey.status_words.<stage>`: "photo 1 of 3 (the whole area)", "cancelled")."""
    which = which_photo(case)
    if which is None:
        return worded(f"journey.status_words.{case.stage.value}",
                      parent=case.consent_by == "parent")
    return text("journey.status_words.taking_again", which=which,
                what=text(f"journey.photos.what_{case.stage.value}"))


def shot_words(case: Case, shot: ShotSlot) -> str:
    """The photo sent for this shot as /status names it ("photo 1 of 3 (the whole area)", or
    "New photo 1 of 2 (the whole area)" when taken again: `stage_words`), for words about a
    photo no longer in the chat ("Use it anyway", `journey.photos.send_anyway_offer`)."""
    which = which_photo(case)
    if which is None:
        return text(f"journey.status_words.{shot}")
    return text("journey.status_words.taking_again", which=which,
                what=text(f"journey.photos.what_{shot}"))


class TooBigToFetch(Exception):
    """Telegram would not give the bot the photo's file: it is over the 20 MB download limit
    (raised by the handler's `fetch`; the size Telegram gives is optional)."""


async def record_refusal(store: Store, case: Case, shot: ShotSlot, reason: str) -> None:
    """Audit a photo for this shot that was refused before any check (`photo.refused`, with
    the reason code of `quality.refusal`: "file_too_big", "not_an_image"): the GP's note
    counts it as a retake (`bot.inbox.digest.retakes`)."""
    await store.audit.record("photo.refused", actor="patient", case_id=case.id,
                             detail={"shot": shot, "reason": reason})


class AlreadyAccepted(Exception):
    """The patient sent again a photo already kept for another shot: nothing to check.

    `latest` is True when that photo is the newest the case received and was taken for the
    shots asked for now (typically the answer that accepted it never reached them, so they
    sent it again): say it is saved and ask for the next. Otherwise the same file was sent
    for a different shot (photo 1 again at photo 3, or a photo of the set kept before when
    the GP asked for another shot again, `kept_before`): say it is the same as that photo
    and which photo is needed now."""

    def __init__(self, shot: ShotSlot, *, latest: bool, kept_before: bool = False) -> None:
        super().__init__(shot)
        self.shot = shot
        self.latest = latest
        self.kept_before = kept_before
        """True when the photo is one kept before the shots being taken again now (the GP
        asked for a new locator, and photo 3 of the first set is sent again): it is never
        "already have this one", but named, with the photo needed now."""


class PhotoStep:
    """Check, keep and answer one photo for the shot a case is waiting for."""

    def __init__(self, store: Store, checker: Checker) -> None:
        self._store = store
        self._check = checker

    async def rejudge(self, case: Case, shots: tuple[ShotSlot, ...]) -> None:
        """Judge again the photos now standing for `shots` for the shot each now is (after
        the patient said which album photo is the locator, `PhotoRepository.choose_locator`):
        a close-up judged as a locator was judged for the wrong distance, and the GP's flags
        come from what is stored. Only the stored checks change: the photo stays accepted.
        A photo file gone meanwhile is left as it was."""
        standing = await self._store.photos.accepted(case.id)
        for shot in shots:
            photo = standing.get(shot)
            if photo is None:
                continue
            try:
                data = await asyncio.to_thread(self._store.files.read, photo.file_name)
            except FileNotFoundError:
                continue
            kind = _kind(shot)
            result = await self._check(data, kind, case.is_child)
            if result.refusal is None:
                await self._store.photos.set_quality(photo.id, _summary(result, kind))
        log.info("photos judged again for their new labels",
                 extra={"case_id": case.id, "shots": len(shots)})

    async def rejudge_stale(self, case: Case) -> int:
        """Judge again every accepted photo whose stored checks were made for another shot
        (its quality's `judged_as` is not the shot it now stands for): the patient's answer
        to which album photo is the locator is committed before the photos are judged again,
        so a process stopped in between (kill -9) leaves a close-up's distance flags on the
        locator for the GP. Called after that answer, when it comes again, and before Send.
        Photos stored before `judged_as` was recorded are left as they are. Returns how many
        shots were judged again (0 nearly always)."""
        standing = await self._store.photos.accepted(case.id)
        stale = tuple(shot for shot, photo in standing.items()
                      if _judged_as(photo.quality) not in (None, _kind(shot)))
        if stale:
            await self.rejudge(case, stale)
        return len(stale)

    async def receive(
        self, case: Case, shot: ShotSlot, data: bytes, *, source: Source, face_expected: bool,
        in_album: bool = False,
    ) -> tuple[Photo | None, list[Reply]]:
        """Return the photo kept as accepted (or None) and what to tell the patient;
        `in_album`: it came in an album with others (`PhotoRepository.add`).

        Raises AlreadyAccepted for the very photo already kept for another shot (the newest
        photo resent, or the same file sent for a different shot).
        """
        kind: Literal["locator", "close_up"] = "locator" if shot == "locator" else "close_up"
        result = await self._check(data, kind, case.is_child)
        if result.refusal or result.image is None:
            await self._store.audit.record("photo.refused", actor="patient", case_id=case.id,
                                           detail={"shot": shot, "reason": result.refusal})
            original = original_size(source, result.width, result.height)
            refused = (refusal_advice(result.refusal, original=original)
                       if result.refusal else text("journey.photos.refused"))
            return None, [say(f"{shot_heading(case, shot)}\n\n{refused}")]
        if case.is_child and _failed(result, "face"):
            await self._store.audit.record("photo.child_face_discarded", actor="patient",
                                           case_id=case.id, detail={"shot": shot})
            return None, [say(words) for words in await self._child_face_words(case, shot)]
        digest = hashlib.sha256(result.image).hexdigest()  # once: it also names the file
        earlier = await self._store.photos.with_hash(case.id, digest)
        if earlier is not None and earlier.status == "accepted" and earlier.shot != shot:
            newest = (await self._store.photos.for_case(case.id))[-1]
            again = taken_again(case)
            before = bool(again) and earlier.shot not in again
            raise AlreadyAccepted(earlier.shot, latest=newest.id == earlier.id and not before,
                                  kept_before=before)
        if earlier is not None:
            return None, [say(text("journey.photos.duplicate"))]
        accepted = result.verdict == "accept"
        stored = await asyncio.to_thread(self._store.files.write, result.image, ".jpg",
                                         sha256=digest)
        photo = await self._store.photos.add(
            case.id, shot, stored, source=source, verdict="accept" if accepted else "retake",
            status="accepted" if accepted else "rejected", quality=_summary(result, kind),
            width=result.width, height=result.height, in_album=in_album,
        )
        log.info("photo checked", extra={"case_id": case.id, "shot": shot,
                                          "verdict": result.verdict, "attempt": photo.attempt})
        if accepted:
            await self.discard_unneeded(case.id, shot)
            return photo, [say(_accepted_words(shot, result, face_expected=face_expected,
                                               which=which_photo(case), source=source,
                                               parent=case.consent_by == "parent"))]
        return None, await self._retake(case, shot, photo, result, source)

    async def _retake(
        self, case: Case, shot: ShotSlot, photo: Photo, result: AssessmentView, source: Source
    ) -> list[Reply]:
        parent = case.consent_by == "parent"
        advice = _advice(result, "fail", source=source, parent=parent)
        words = "\n\n".join([shot_heading(case, shot),
                              worded("journey.photos.retake", parent=parent),
                              *(f"• {a}" for a in advice)])
        failures = await self.failures_since_accepted(case.id, shot)
        keep = keep_old_rows(case)  # a photo being replaced: the way back stays in sight
        if failures < SEND_ANYWAY_AFTER:
            return [replace(say(words, *keep), until_next_photo=True) if keep else say(words)]
        anyway = Button(text("journey.photos.send_anyway"),
                        button_data(shot, "anyway", str(photo.attempt)))
        offer = replace(say(worded("journey.photos.send_anyway_offer", parent=parent,
                                 photo=shot_words(case, shot)), (anyway,), *keep),
                        until_next_photo=True)
        return [say(words), offer]

    async def _child_face_words(self, case: Case, shot: ShotSlot) -> list[str]:
        """Why a child's photo was not kept; from the CHILD_FACE_HELP_AFTER-th time for the
        same photo, a second message: the check may be wrong, and whom to call, so a family
        whose photos are refused again and again (a face found where there is none) is not
        stuck."""
        refused = sum(1 for event in await self._store.audit.for_case(case.id)
                      if event.kind == "photo.child_face_discarded"
                      and json.loads(event.detail or "{}").get("shot") == shot)
        words = [text("journey.photos.child_face")]
        practice = await self._store.practices.get(case.practice_id)
        if refused >= CHILD_FACE_HELP_AFTER and practice is not None:
            words.append(worded("journey.photos.child_face_help",
                                parent=case.consent_by == "parent", practice=practice.name,
                                phone=practice.phone))
        return words

    async def failures_since_accepted(self, case_id: int, shot: ShotSlot) -> int:
        """Count rejected attempts at this shot since one was last accepted."""
        count = 0
        for photo in reversed(await self._store.photos.for_case(case_id)):
            if photo.shot != shot:
                continue
            if photo.status != "rejected":
                break
            count += 1
        return count

    async def use_anyway(self, case: Case, shot: ShotSlot, attempt: int) -> Photo | None:
        """Keep the newest failed attempt of this shot, flagged for the GP; None if not allowed."""
        attempts = [p for p in await self._store.photos.for_case(case.id) if p.shot == shot]
        if not attempts or attempts[-1].attempt != attempt or attempts[-1].status != "rejected":
            return None
        if await self.failures_since_accepted(case.id, shot) < SEND_ANYWAY_AFTER:
            return None
        photo = await self._store.photos.accept_anyway(attempts[-1].id)
        await self.discard_unneeded(case.id, shot)
        return photo

    async def discard_unneeded(self, case_id: int, shot: ShotSlot) -> None:
        """Delete the files of attempts that no longer stand: keep only what is needed."""
        for name in await self._store.photos.unneeded_files(case_id, shot):
            await asyncio.to_thread(self._store.files.delete, name)


def _advice(result: AssessmentView, status: str, *, source: Source,
            skip_face: bool = False, parent: bool = False) -> list[str]:
    """The words for every check with this status (a face expected on a face shot: none);
    the size advice as for an `original_size` picture or not; worded for a `parent` taking a
    child's photos where the content has a `_parent` text."""
    original = original_size(source, result.width, result.height)
    found = [check_advice(c, width=result.width, height=result.height, original=original,
                          parent=parent)
             for c in result.checks
             if c.status == status and not (c.name == "face" and skip_face)]
    return [words for words in found if words]


def _failed(result: AssessmentView, name: str) -> bool:
    return any(c.name == name and c.status == "fail" for c in result.checks)


def _accepted_words(shot: ShotSlot, result: AssessmentView, *, face_expected: bool,
                    which: str | None, source: Source, parent: bool = False) -> str:
    """"Photo 2 of 3 looks good", or for a photo taken again, `which` one ("New photo 1 of
    2"), with any tips (worded for a `parent` taking a child's photos)."""
    number = SHOT_SLOTS.index(shot) + 1
    tips = _advice(result, "warn", source=source, skip_face=face_expected, parent=parent)
    key = "accepted_with_note" if tips else "accepted"
    words = (text(f"journey.photos.{key}", number=number) if which is None else
             text(f"journey.photos.{key}_again", which=which))
    return "\n\n".join([words, *(f"• {tip}" for tip in tips)])


def _kind(shot: ShotSlot) -> Literal["locator", "close_up"]:
    """The kind of shot the checks judge a slot as."""
    return "locator" if shot == "locator" else "close_up"


def _judged_as(quality: str | None) -> str | None:
    """The shot a stored quality result was judged for (None when not recorded)."""
    try:
        found = json.loads(quality or "{}").get("judged_as")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None


def _summary(result: AssessmentView, kind: Literal["locator", "close_up"]) -> str:
    """The quality result as stored with the photo: the shot it was judged as (`judged_as`),
    statuses and measures, no advice text."""
    return json.dumps(
        {"verdict": result.verdict, "judged_as": kind,
         "checks": [{"name": c.name, "status": c.status, "value": round(float(c.value), 4),
                     "threshold": round(float(c.threshold), 4)}
                    | ({"reason": c.reason} if c.reason else {}) for c in result.checks]},
        sort_keys=True,
    )

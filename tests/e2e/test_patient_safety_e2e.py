"""Safety and privacy end to end: a child's face is never kept, and /delete erases."""

from __future__ import annotations

from typing import Any

import numpy as np
from telegram.ext import Application

from bot.emulator import Emulator
from bot.quality import dataset, render
from bot.store.models import Practice, Stage
from tests.e2e.conftest import sample, services_of
from tests.e2e.patient import (
    child_birthday,
    tap,
    to_child_eczema_question,
    to_photos,
)
from tests.e2e.test_patient_journey_e2e import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_childs_face_is_refused_and_never_kept(
    app: App, emu: Emulator, practice: Practice
) -> None:
    born = child_birthday(9)
    patient = emu.user("Kit's mum")
    await to_child_eczema_question(patient, await new_invite(app, practice, born.isoformat()),
                                   born)
    await tap(patient, "No", "Tip 1")
    for expect in ("Tip 2", "Tip 3", "Tip 4"):
        await tap(patient, "Next", expect)
    await tap(patient, "I am ready", "Photo 1 of 3")
    rng = np.random.default_rng(3)
    face = render.jpeg(render.camera(dataset.photo_scene(rng, "astronaut", 960, 1280), rng))
    await patient.send_document(face, "IMG_2001.jpg", "image/jpeg")
    refusal = await patient.wait_for_text("face", timeout=15)
    assert "not saved" in (refusal.text or "")
    store = services_of(app).store
    case = await store.cases.latest_for_patient(patient.id)
    assert case is not None and case.is_child and case.stage is Stage.LOCATOR
    assert not any(store.files.path(p.file_name).exists()
                   for p in await store.photos.for_case(case.id))
    assert not list(store.files.path("x").parent.rglob("*.jpg"))


async def test_delete_erases_the_photos_from_disk_and_keeps_an_audit_stub(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Lee")
    await to_photos(patient, await new_invite(app, practice))
    await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
    await patient.wait_for_text("Photo 1 of 3 looks good", timeout=15)
    store = services_of(app).store
    case = await store.cases.latest_for_patient(patient.id)
    assert case is not None
    kept = (await store.photos.accepted(case.id))["locator"]
    assert store.files.path(kept.file_name).exists()
    await patient.send_command("/delete")
    await patient.wait_for_text("cannot be undone")
    await tap(patient, "Yes, delete them", "deleted")
    assert not store.files.path(kept.file_name).exists()
    erased = await store.cases.get(case.id)
    assert erased is not None and erased.stage is Stage.ERASED
    assert await store.photos.for_case(case.id) == []
    assert await store.answers.for_case(case.id) == {}
    assert any(e.kind.endswith("erased") or "erase" in e.kind
               for e in await store.audit.for_case(case.id))

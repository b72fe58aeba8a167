"""A child's face is refused whichever way up it is in the photo (audit35, hazard log H65): a
baby lying on a mat photographed from the feet shows the face upside down, and the face
network finds faces the right way up only."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.quality import dataset, render
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    child_birthday,
    first_line,
    read_the_tips,
    to_child_eczema_question,
)
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


@pytest.mark.parametrize("turns", [2], ids=["upside-down"])
async def test_a_childs_face_upside_down_is_refused_and_never_kept(
    app: App, emu: Emulator, practice: Practice, turns: int
) -> None:
    born = child_birthday(1)
    parent = emu.user("Baby's dad")
    await to_child_eczema_question(parent, await new_invite(app, practice, born.isoformat()),
                                   born)
    await read_the_tips(parent, text("journey.screening.eczema.no"), parent=True)
    rng = np.random.default_rng(3)
    upright = render.camera(dataset.photo_scene(rng, "astronaut", 960, 1280), rng)
    turned = render.jpeg(np.ascontiguousarray(np.rot90(upright, turns)))
    await parent.send_document(turned, "IMG_2002.jpg", "image/jpeg")
    await parent.wait_for_text(first_line("journey.photos.child_face"), timeout=15)
    store = services_of(app).store
    case = await store.cases.current_for_patient(parent.id)
    assert case is not None and case.is_child and case.stage is Stage.LOCATOR
    assert await store.photos.for_case(case.id) == [], "no row of it"
    assert not list(store.files.path("x").parent.rglob("*.jpg")), "no file of it"

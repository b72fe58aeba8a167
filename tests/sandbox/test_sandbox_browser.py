"""The whole story in headless Chromium: invite link, patient answers and photos, GP refers.

On the way: consent comes as three short messages that each fit a phone's screen, each answered
question shows the answer chosen, the patient changes an answer at the review, and the
"Practice record" panel shows the case as it reached the practice by email and by MESH.

Screenshots of each chat are saved in test-output/sandbox/ at the end (and on failure).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.fhir_bundle import WORKFLOW_ID
from bot.content import asset, text, texts
from bot.sandbox.session import PATIENT_NHS_NUMBER, PATIENT_REF, Sandbox
from tests.auxil.e2e.patient import first_line, words

playwright_api = pytest.importorskip("playwright.async_api")
from playwright.async_api import Browser, Page, async_playwright, expect  # noqa: E402

CHROMIUM = Path(os.environ.get("SANDBOX_CHROMIUM", "/usr/bin/chromium"))
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "sandbox"
WAIT = 30_000  # ms: each photo runs through the real quality engine
PHONE = {"width": 360, "height": 740}  # a small phone's screen, in CSS pixels
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


def need_chromium() -> None:
    """Fail, never skip, without Debian's Chromium: `make test` installs it
    (scripts/system_packages.sh), so a missing browser is a broken set-up, not a pass."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run make test, which installs Debian's chromium")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless."""
    need_chromium()
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


def chat(page: Page, key: str) -> str:
    """CSS for one chat panel."""
    return f'[data-chat="{key}"]'


async def bot_says(page: Page, key: str, words: str) -> str:
    """Wait for a bot bubble in that chat containing words; return its text."""
    bubble = page.locator(f"{chat(page, key)} .row.bot .bubble", has_text=words).last
    await bubble.wait_for(timeout=WAIT)
    return await bubble.inner_text()


async def tap(page: Page, key: str, label: str) -> None:
    """Tap the newest inline button with exactly this label."""
    await page.locator(f"{chat(page, key)} .inline-kb").get_by_role(
        "button", name=label, exact=True).last.click()


async def type_text(page: Page, key: str, words: str) -> None:
    """Type into the chat's message box and press Enter."""
    box = page.locator(f"{chat(page, key)} textarea")
    await box.fill(words)
    await box.press("Enter")


async def sample(page: Page, name: str, as_: str) -> None:
    """Send a sample photo into the patient chat, as a photo or as a file."""
    await page.locator(f'{chat(page, "patient")} button[data-sample="{name}"][data-as="{as_}"]'
                       ).click()


async def consent_fits_a_phone(page: Page, consent: list[str]) -> None:
    """Open the same sandbox on a phone-sized screen: each consent message fits in the chat."""
    phone = await page.context.new_page()
    try:
        await phone.set_viewport_size(PHONE)
        await phone.goto(page.url)
        await phone.locator('[data-tab="patient"]').click()
        messages = phone.locator(f"{chat(phone, 'patient')} .messages")
        await messages.wait_for()
        room = await messages.evaluate("m => m.clientHeight")
        for words in consent:
            bubble = phone.locator(f"{chat(phone, 'patient')} .row.bot .bubble",
                                   has_text=words.splitlines()[0]).last
            await bubble.wait_for(timeout=WAIT)
            box = await bubble.bounding_box()
            assert box is not None and box["height"] <= room, (
                f"{box} does not fit a {PHONE} screen's chat ({room} px): {words!r}")
        # As in Telegram, the buttons are as wide as the message they are under.
        widths = await phone.locator(f"{chat(phone, 'patient')} .with-kb").last.evaluate(
            "w => [w.querySelector('.bubble'), w.querySelector('.inline-kb')]"
            ".map(n => Math.round(n.getBoundingClientRect().width))")
        assert widths[0] == widths[1], f"message and its buttons: {widths} px wide"
        OUTPUT.mkdir(parents=True, exist_ok=True)
        await phone.screenshot(path=str(OUTPUT / "phone-consent.png"))
    finally:
        await phone.close()


async def save_screenshots(page: Page) -> list[Path]:
    """Shoot each chat whole: the page is made as tall as that chat's conversation first."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(OUTPUT / "page.png"))
    viewport = page.viewport_size or {"height": 950}
    heights = {key: int(await page.evaluate(
        f"(m => m.scrollHeight - m.clientHeight)(document.querySelector('{chat(page, key)} "
        ".messages'))")) + viewport["height"] for key in ("staff", "patient", "gp")}
    shots = []
    for key, height in heights.items():
        await page.set_viewport_size({"width": 1500, "height": min(height + 8, 16_000)})
        await page.evaluate("document.querySelectorAll('.messages').forEach(m => "
                            "m.scrollTop = m.scrollHeight)")
        await page.wait_for_timeout(200)
        path = OUTPUT / f"{key}.png"
        await page.locator(chat(page, key)).screenshot(path=str(path))
        shots.append(path)
    return shots


async def test_invite_photos_retake_submit_and_gp_referral(
    running: tuple[Sandbox, str], browser: Browser, tmp_path: Path
) -> None:
    sandbox, url = running
    shutil.rmtree(OUTPUT, ignore_errors=True)
    context = await browser.new_context(viewport={"width": 1500, "height": 950},
                                        accept_downloads=True)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        await page.goto(url)
        await story(page, sandbox, tmp_path)
    finally:
        await save_screenshots(page)
        await context.close()
    assert not problems, problems


async def practice_record_shows(page: Page, reference: str) -> None:
    """The "Practice record" panel lists the case as the practice mailbox got it (subject,
    parts, a link that opens the PDF) and as MESH delivered it (ids, workflow, the PDF)."""
    record = page.locator('[data-panel="record"]')
    email = record.locator(".arrival.email", has_text=reference)
    await email.wait_for(timeout=WAIT)
    await expect(email.locator(".subject")).to_have_text(
        text("channels.email.subject", reference=reference))
    await expect(email.locator(".parts li")).to_have_count(6)  # plain, HTML, the PDF, 3 photos
    await expect(email.locator(".parts")).to_contain_text(f"referral-pack-{reference}.pdf")
    await expect(email.locator(".parts")).to_contain_text(f"{reference}-close-up-2.jpg")
    mesh = record.locator(".arrival.mesh", has_text=f"{reference}-s1-o")
    await mesh.wait_for(timeout=WAIT)
    await expect(mesh).to_contain_text(WORKFLOW_ID)
    await expect(mesh.locator(".parts")).to_contain_text("Binary (referral pack)")
    # the practice's system answered it: received (20013), filed in the record (30001)
    await expect(mesh.locator(".answered")).to_contain_text("20013, 30001")
    for arrival in (email, mesh):
        async with page.context.expect_page() as opening:
            await arrival.locator("a.record-pdf").click()
        opened = await opening.value
        href = await arrival.locator("a.record-pdf").get_attribute("href")
        assert href is not None and opened.url.endswith(href)
        answer = await page.request.get(opened.url)
        assert answer.headers["content-type"] == "application/pdf"
        assert (await answer.body()).startswith(b"%PDF")
        await opened.close()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    await record.screenshot(path=str(OUTPUT / "record.png"))


async def story(page: Page, sandbox: Sandbox, tmp_path: Path) -> None:
    """What a person does on the page, and what each chat must show."""
    # Staff: /invite, then the patient's reference and date of birth; the bot answers with the
    # link, an SMS to paste and a QR code. Clicking the link opens the patient chat.
    staff = chat(page, "staff")
    await page.locator(f"{staff} .note a.deep-link").wait_for(timeout=WAIT)
    await type_text(page, "staff", "/invite")
    # The demo practice sends cases to the GP record by MESH: the first question asks for the
    # NHS number too.
    await bot_says(page, "staff", first_line("channels.staff.invite_ask_nhs_number"))
    await type_text(page, "staff", f"{PATIENT_REF} 03/02/1980 {PATIENT_NHS_NUMBER}")
    link_words = words("inbox.staff.invite_made")
    made = await bot_says(page, "staff", link_words)
    assert PATIENT_REF in made and sandbox.invite_link not in made, "a new link, not the seed"
    await bot_says(page, "staff", words("inbox.staff.sms"))
    await page.locator(f"{staff} .row.bot img.photo").last.wait_for(timeout=WAIT)  # the QR code
    link = page.locator(f"{staff} .row.bot .bubble", has_text=link_words).last.locator(
        "a", has_text="https://t.me/")
    await link.click()
    await page.locator(f'{chat(page, "patient")} .row.me .bubble', has_text="/start").wait_for()
    await bot_says(page, "patient", first_line("journey.identity.ask"))
    await type_text(page, "patient", "3/2/80")  # day first, a two-digit year
    await bot_says(page, "patient", text("journey.identity.confirm", date="3 February 1980"))
    await tap(page, "patient", text("journey.identity.confirm_yes"))

    # Consent: three short messages, each whole on a phone's screen; the question on the third.
    consent = [text(f"journey.consent.{key}", days=30) for key in ("why", "who", "keep")]
    for message in consent:
        await bot_says(page, "patient", message.splitlines()[0])
    await consent_fits_a_phone(page, consent)
    await tap(page, "patient", text("journey.consent.yes"))
    questions = (*(first_line(f"journey.screening.{key}.question")
                  for key in ("is_rash", "red_flags", "site", "areas")),
                 texts("journey.prepare.steps")[0].splitlines()[0])
    await bot_says(page, "patient", questions[0])
    labels = tuple(text(f"journey.screening.{key}")
                   for key in ("is_rash.rash", "red_flags.no", "site.arm", "areas.one"))
    for label, next_words in zip(labels, questions[1:], strict=True):
        await tap(page, "patient", label)
        await bot_says(page, "patient", next_words)
    # Each answered question keeps its words and shows the answer chosen, without buttons.
    for label, question in zip(labels, questions[:-1], strict=True):
        answered = page.locator(f"{chat(page, 'patient')} .row.bot", has_text=question).last
        await expect(answered.locator(".bubble")).to_contain_text(
            text("journey.input.chosen", choice=label))
        assert await answered.locator(".inline-kb button").count() == 0
    for step in texts("journey.prepare.steps")[1:]:
        await tap(page, "patient", text("journey.prepare.next"))
        await bot_says(page, "patient", step.splitlines()[0])
    await tap(page, "patient", text("journey.prepare.ready"))
    await bot_says(page, "patient", first_line("journey.photos.locator"))

    # Photo 1: the locator, sent as a file (untouched).
    await sample(page, "locator-good.jpg", "file")
    await bot_says(page, "patient", text("journey.photos.accepted", number=1))
    # Photo 2: a blurred close-up attached from disk as a photo; the bot asks for a retake.
    sandbox.emulator.delay_next("sendMessage", 2.0)  # long enough to see the chat action
    await page.locator(f'{chat(page, "patient")} .attach').click()
    async with page.expect_file_chooser() as chooser:
        await page.locator(f'{chat(page, "patient")} .as-photo').click()
    await (await chooser.value).set_files(str(asset("samples/close-up-blurred.jpg")))
    # The photo shows until the bot has kept it, then leaves a "deleted" trace.
    await page.locator(f'{chat(page, "patient")} .row.me img.photo, '
                       f'{chat(page, "patient")} .row.me .bubble.deleted').last.wait_for()
    await expect(page.locator(f'{chat(page, "patient")} .status')).to_have_text(
        "sending a photo…")
    await bot_says(page, "patient", text("quality.sharpness.blurred"))
    # ...and good close-ups: one as a photo, one as a file.
    await sample(page, "close-up-good.jpg", "photo")
    await bot_says(page, "patient", text("journey.photos.accepted", number=2))
    await sample(page, "close-up-good-2.jpg", "file")
    done = await bot_says(page, "patient", text("journey.photos.accepted", number=3))
    assert text("journey.photos.removed_file") in done  # sent as a file
    # Every photo the patient sent is off the chat, each marked where it was.
    await expect(page.locator(f'{chat(page, "patient")} .row.me .bubble.deleted')).to_have_count(4)
    assert await page.locator(f'{chat(page, "patient")} .row.me img.photo').count() == 0

    await bot_says(page, "patient", first_line("journey.details.where_exactly"))
    await type_text(page, "patient", "left forearm")
    await bot_says(page, "patient", first_line("journey.details.duration_question"))
    await tap(page, "patient", text("journey.details.duration_weeks"))
    await bot_says(page, "patient", first_line("journey.details.symptoms_question"))
    await tap(page, "patient", text("journey.details.symptoms_itchy"))
    await bot_says(page, "patient", first_line("journey.details.tried_question"))
    await type_text(page, "patient", "E45 cream")
    await bot_says(page, "patient", first_line("journey.review.summary"))
    # A changed answer at the review: how long, from 1 to 4 weeks to more than 6 months.
    await tap(page, "patient", text("journey.review.change"))
    await bot_says(page, "patient", text("journey.review.change_which"))
    await tap(page, "patient", text("journey.review.change_duration"))
    await bot_says(page, "patient", text("journey.details.duration_question"))
    await tap(page, "patient", text("journey.details.duration_long"))
    changed = await bot_says(page, "patient", text("journey.review.changed"))
    assert text("journey.details.duration_long") in changed
    assert text("journey.details.duration_weeks") not in changed
    await tap(page, "patient", text("journey.review.send"))
    receipt = await bot_says(page, "patient", first_line("journey.receipt.text"))
    case = await sandbox.store.cases.current_for_patient(sandbox.users["patient"].id)
    assert case is not None and case.reference in receipt

    # GP: the three labelled photos as files, the summary and the referral pack; the GP refers.
    gp = chat(page, "gp")
    photos = page.locator(f"{gp} .row.bot .bubble.media", has_text=".jpg")
    await photos.nth(2).wait_for(timeout=WAIT)
    captions = [await c.locator(".text").evaluate(
        "n => { const c = n.cloneNode(true); c.querySelector('.meta')?.remove();"
        " return c.textContent.trim(); }") for c in await photos.all()][-3:]
    one_retake = text("inbox.gp.flag_retake_one", reasons=text("inbox.gp.problem_sharpness"))
    retaken = text("inbox.gp.caption_with_note", shot=text("inbox.gp.caption_close_up_1"),
                   note=one_retake)
    assert captions == [text("inbox.gp.caption_locator"), retaken,
                        text("inbox.gp.caption_close_up_2")], captions
    summary = await bot_says(page, "gp", first_line("inbox.gp.summary"))
    assert case.reference in summary and PATIENT_REF in summary and "left forearm" in summary
    assert text("journey.details.duration_long") in summary, "the changed answer reaches the GP"
    pdf = page.locator(f"{gp} a.doc", has_text=".pdf").last
    await pdf.wait_for(timeout=WAIT)
    async with page.expect_download() as downloading:
        await pdf.click()
    download = await downloading.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    assert saved.name == f"referral-pack-{case.reference}.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    await practice_record_shows(page, case.reference)
    await tap(page, "gp", text("inbox.gp.refer"))
    await bot_says(page, "gp", text("inbox.gp.refer_confirm", reference=case.reference,
                                         days=3).splitlines()[0])
    await tap(page, "gp", text("inbox.gp.refer_yes"))
    await bot_says(page, "gp", words("inbox.gp.decided_refer"))
    told = await bot_says(page, "patient", words("inbox.patient.referred"))
    assert case.reference in told


async def test_on_a_phone_the_sample_photos_leave_half_the_screen_to_the_chat(
    running: tuple[Sandbox, str], browser: Browser
) -> None:
    """On a 360 px phone the patient's sample photos are a slim strip (their summary one line),
    so at least half the screen shows the conversation: a question and its buttons fit."""
    _, url = running
    context = await browser.new_context(viewport=PHONE)
    try:
        phone = await context.new_page()
        await phone.goto(url)
        await phone.locator('[data-tab="patient"]').click()
        patient = chat(phone, "patient")
        await phone.locator(f"{patient} .samples summary").wait_for()
        room = await phone.locator(f"{patient} .messages").evaluate("m => m.clientHeight")
        assert room >= PHONE["height"] / 2, f"only {room} px of {PHONE['height']} for messages"
        summary = phone.locator(f"{patient} .samples summary")
        line = await summary.evaluate("s => parseFloat(getComputedStyle(s).lineHeight) || 16")
        box = await summary.bounding_box()
        assert box is not None and box["height"] < 2 * line, f"summary wraps: {box}"
    finally:
        await context.close()


async def test_a_person_changes_a_message_they_sent_as_telegram_lets_them(
    running: tuple[Sandbox, str], browser: Browser
) -> None:
    """✎ on the patient's own message puts its words in the message box ("Editing"); Enter
    changes the message ("edited"), and the bot gets the change (an edited_message) and
    answers it: with no request open, "I use what you first sent"."""
    _, url = running
    context = await browser.new_context(viewport={"width": 1500, "height": 950})
    try:
        page = await context.new_page()
        await page.goto(url)
        patient = chat(page, "patient")
        await type_text(page, "patient", "hello")
        await bot_says(page, "patient", first_line("journey.invite.no_case"))
        mine = page.locator(f"{patient} .row.me", has_text="hello").last
        await mine.locator("button.edit").click()
        await expect(page.locator(f"{patient} .editing-bar")).to_be_visible()
        await expect(page.locator(f"{patient} textarea")).to_have_value("hello")
        await type_text(page, "patient", "hello, I have a rash")
        await bot_says(page, "patient", text("journey.input.edited"))
        changed = page.locator(f"{patient} .row.me .bubble").last
        await expect(changed).to_contain_text("hello, I have a rash")
        await expect(changed.locator(".meta")).to_contain_text("edited")
        await expect(page.locator(f"{patient} .editing-bar")).to_be_hidden()
        assert await page.locator(f"{patient} .row.me").count() == 1, "changed, not sent again"
    finally:
        await context.close()


async def test_on_a_phone_a_chat_filled_while_hidden_opens_at_its_newest_message(
    running: tuple[Sandbox, str], browser: Browser
) -> None:
    """On a 360 px phone one chat shows at a time; the GP's, filled while the staff chat was
    shown, opens at its newest message (as Telegram does), not at its first, so a GP opening
    the tab sees the case that just came rather than the start of /help."""
    _, url = running
    context = await browser.new_context(viewport=PHONE)
    try:
        phone = await context.new_page()
        await phone.goto(url)
        gp = chat(phone, "gp")
        await phone.locator(f"{gp} .row.bot .bubble").last.wait_for(state="attached",
                                                                     timeout=WAIT)
        await phone.locator('[data-tab="gp"]').click()
        messages = phone.locator(f"{gp} .messages")
        await expect(messages).to_be_visible()
        tall, below = await messages.evaluate(
            "m => [m.scrollHeight > m.clientHeight,"
            " m.scrollHeight - m.scrollTop - m.clientHeight]")
        assert tall, "the GP chat fits the screen: nothing to scroll, nothing shown"
        assert below < 2, f"{below} px of the GP chat's newest messages are below the screen"
        await expect(phone.locator(f"{gp} .row.bot .bubble").last).to_be_in_viewport()
    finally:
        await context.close()

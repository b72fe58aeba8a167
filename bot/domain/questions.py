"""The questions asked before photos (screening) and after them (details), with their stops."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import text

FREE_TEXT_LIMIT = 200
RED_FLAG_FIRST = "screen.red_flags_first"
"""The answer that remembers a red-flag "yes" before it was confirmed: "yes" from the first tap
(the urgent advice given, staff alerted) until the patient confirms it (the request stops) or
says it was a mistake ("withdrawn"); the GP reads it beside the final answer
(`bot.inbox.digest.red_flags_said`). Not a question: never asked, never changed."""
RED_FLAG_RECHECK = "screen.red_flags_check"
"""The answer that remembers the red-flag question put again after a typed answer that may
name a red-flag sign (`bot.journey.service Journey._red_flag_check`, hazard log H74):
"asked" until the patient taps "No, none of these" on it ("no"); a "yes" there is a red-flag
"yes" (`RED_FLAG_FIRST`). The GP reads it beside the answer (`bot.inbox.digest.red_flags_said`).
Not a question: never asked as one, never changed at the review."""


@dataclass(frozen=True, slots=True)
class Option:
    """One answer a patient can tap; `stop` names the kind words shown if it ends the journey.

    An answer with a `stop` is confirmed before it ends anything (see `Journey`), and every
    `stop` is one of `STOP_CRITERIA`.
    """

    value: str
    label: str
    stop: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """A question with button answers, and possibly a typed answer too."""

    id: str
    prompt: str
    options: tuple[Option, ...]
    child_only: bool = False
    free_text: bool = False
    asked_if: tuple[str, str] | None = None
    """(question id, value): asked only when that question of the same set got that answer
    ("Are any of the areas on the breast...?" only after "Two or more areas")."""

    def applies(self, answers: dict[str, str], prefix: str, *, child: bool) -> bool:
        """True if this question is put to this patient, given the answers so far (keyed
        "<prefix>.<question id>"): child-only questions only for a child, and a follow-up
        question only after the answer it follows."""
        if self.child_only and not child:
            return False
        if self.asked_if is not None:
            qid, value = self.asked_if
            return answers.get(f"{prefix}.{qid}") == value
        return True

    def option(self, value: str) -> Option | None:
        """Return the option with this value, if the question has one."""
        return next((o for o in self.options if o.value == value), None)

    def label_of(self, value: str) -> str:
        """Return what the patient saw for a stored answer (typed answers are kept as typed)."""
        found = self.option(value)
        return found.label if found else value


def worded(key: str, /, *, parent: bool, **values: object) -> str:
    """The text at `key`, or at `key_parent` when a parent answers for a child and it exists.

    So each question is put to whoever is answering: "Do you have..." to the patient,
    "Does the child have..." to a parent. Raises KeyError if neither text exists.
    """
    if parent:
        try:
            return text(f"{key}_parent", **values)
        except KeyError:
            pass
    return text(key, **values)


def _q(section: str, qid: str, *options: tuple[str, str | None], parent: bool = False,
       child_only: bool = False, asked_if: tuple[str, str] | None = None) -> Question:
    """Build a question whose words live under `journey.<section>` in the content."""
    if section == "screening":
        prompt_key, label_prefix = f"journey.screening.{qid}.question", f"journey.screening.{qid}."
    else:
        prompt_key, label_prefix = f"journey.{section}.{qid}_question", f"journey.{section}.{qid}_"
    built = tuple(Option(value, worded(label_prefix + value, parent=parent), stop)
                  for value, stop in options)
    return Question(qid, worded(prompt_key, parent=parent), built, child_only=child_only,
                    asked_if=asked_if)


RASHES_ONLY = ("The Teledermatology service will accept patient images for rashes only. Patient "
               "Images of skin lesions such as moles / spots need a dermoscopic view and these "
               "will not be accepted.")
"""The service's rule for GPs on what it looks at, quoted from its guidance."""

STOP_CRITERIA: dict[str, str] = {
    "mole": RASHES_ONLY,
    "red_flag": "Widespread rash or severe inflammatory condition, with systemic symptoms or of "
                "an urgent nature",
    "intimate": "Breast, perianal or genital rash",
    "everywhere": "Widespread condition where it is not appropriate or practical to take images",
    "eczema": "Known chronic inflammatory skin condition (e.g. eczema, psoriasis)",
    "child_face": "Images where the face can be identified",
}
"""The service criterion each screening stop applies: its rule for GPs, or an exclusion as the
GP's checklist words it (`referral.checklist` in the content)."""


DEPENDENT: dict[str, tuple[str, ...]] = {
    "screen.site": ("detail.where",),
    "screen.areas": ("screen.other_areas", "screen.other_face"),
}
"""Answers that depend on another (keyed "<prefix>.<question id>"): exactly where the rash is
depends on the body area tapped, and whether any of the areas is on the breast, private parts
or bottom (and, for a child, on the face or head) on "Two or more areas". When the patient
changes the first at the review, these are deleted with the change and asked again where they
still apply, so the GP never reads an area with an "exactly where" from another ("Leg or foot
(left forearm)")."""

CAPACITY_TO_CONSENT = ("Lacks mental capacity to consent, unless you are satisfied that a "
                       "teledermatology referral is in the patient’s best interest")
"""The service's exclusion on consent ("Patients who lack mental capacity to consent, unless
the clinician is satisfied that making a teledermatology referral is in the patient's best
interest"), as the GP's checklist words it (`referral.checklist` in the content)."""

CONSENT_CRITERIA: dict[str, str] = {
    "not_guardian": CAPACITY_TO_CONSENT,
    "consent_declined": CAPACITY_TO_CONSENT,
    "child_declined": CAPACITY_TO_CONSENT,
}
"""The service criterion each consent stop applies (`bot.journey.prompts.CONSENT_QUESTIONS`).
The service takes no images without valid consent: a child under 16 is not taken here to
consent alone, so the consent must come from the child's parent or guardian (someone who
says they are not one cannot give it: `not_guardian`); a patient or parent who says no gives
none (`consent_declined`); and, as GMC guidance on recordings of children asks, a child who
does not agree stops the photos though the parent agreed (`child_declined`). These stops are
not exclusions of the service and do not say the patient lacks capacity: they are the consent
every photo needs (GMC, "Making and using visual and audio recordings of patients"). The
service's only written rule on consent is its capacity criterion, which presumes consent is
sought, so each stop is traced to it; the clinician's best-interest judgement is the GP's, so
each stop asks the family to call the practice."""

CHILD_TOO_YOUNG = "too_young"
"""A parent's answer to "ask the child" when the child is too young to understand (a baby, a
toddler): GMC guidance (0-18 years) asks that children be involved as far as their age and
understanding allow and sets no age, so the parent says so. It carries on as the child's
"yes" does, and the record says the child was not asked (`bot.inbox.digest.consent_record`;
hazard log H19)."""


def screening_questions(*, parent: bool = False, child: bool = False) -> tuple[Question, ...]:
    """Return the questions that decide whether this service is right, asked before any photo.

    `parent` is True when a parent answers for a child under 16: the questions then ask about
    "the child" (see `worded`); the answers and stops are the same. `child` is True for any
    patient under 18 (`Case.is_child`, including a 16-17-year-old answering for themselves):
    it adds the children's stops (face or head) to the same questions.

    Each stop applies one of the service's criteria (`STOP_CRITERIA`):

    - `is_rash`: a mole, spot or lump is a lesion, not a rash ("rashes only"; lesions need a
      dermoscopic view). This also covers "2 or more lesions for assessment".
    - `red_flags`: feeling very unwell, fever, blisters, mouth or eyes, spreading fast or
      non-blanching is "severe ... with systemic symptoms or of an urgent nature": 999 / NHS 111.
      It is asked straight after `is_rash`, so no later (routine) stop can hide an urgent answer;
      a widespread rash with feeling unwell therefore always gets the urgent advice. A "mole,
      spot or lump" confirmed at `is_rash` waits for it too (`stop_before_red_flags`, hazard
      log H43): spots that do not fade under a glass are urgent, not a lesion.
    - `site`: breast, private parts or bottom is "Breast, perianal or genital rash"; it stops
      before any photo is asked for. For a child (under 18), "Face or head" is "Images where
      the face can be identified", the service's extra exclusion for children (`child_face`): the
      photos would have to show the face, and the photo check refuses every photo of a child
      that shows one, so the request would otherwise never finish.
    - `areas`: "Most of my body" is a "widespread condition where it is not ... practical to take
      images" (one locator and two close-ups cannot show it). "Two or more areas" is NOT a stop:
      a rash in several places is the ordinary rash the service is for; the service's "2 or more
      lesions" exclusion is about lesions, which `is_rash` screens out.
    - `other_areas` (only after "Two or more areas"): whether any of the areas is on the
      breast, private parts or bottom; "Yes" is "Breast, perianal or genital rash" (`site`
      names one area only, and the locator asks to show the whole affected area).
    - `other_face` (children only, after "Two or more areas"): whether any of the areas is on
      the face or head; "Yes" is "Images where the face can be identified" (`child_face`), the
      same stop as "Face or head" at `site`. `site` names one area only, and the locator shot
      shows "as much of the affected area" as it can (seed: "1 x locator shot to show as much of
      the affected area / rash / lesion"), so a face among the areas would be in it (hazard
      log H58).
    - `eczema` (children only): "Known chronic inflammatory skin conditions (e.g. eczema,
      psoriasis)". Eczema and psoriasis are the criterion's examples, so the question asks about
      a skin condition that lasts a long time or keeps coming back, naming the two as examples
      (hazard log H29). "I am not sure" carries on (a parent told a name once, for a baby's
      rash that cleared, cannot judge the criterion): the GP reads that answer on the case.

    The criteria only the GP can judge (two-week-wait, distress, safeguarding, capacity) are on
    the GP's checklist, not asked here.
    """
    return (
        _q("screening", "is_rash", ("rash", None), ("mole", "mole"), ("unsure", None),
           parent=parent),
        _q("screening", "red_flags", ("yes", "red_flag"), ("no", None), parent=parent),
        _q("screening", "site", ("face", "child_face" if child else None), ("neck", None),
           ("arm", None), ("leg", None), ("chest", None), ("back", None),
           ("breast", "intimate"), ("private", "intimate"), parent=parent),
        _q("screening", "areas", ("one", None), ("several", None), ("everywhere", "everywhere"),
           parent=parent),
        _q("screening", "other_areas", ("yes", "intimate"), ("no", None), parent=parent,
           asked_if=("areas", "several")),
        _q("screening", "other_face", ("yes", "child_face"), ("no", None), child_only=True,
           parent=parent, asked_if=("areas", "several")),
        _q("screening", "eczema", ("yes", "eczema"), ("no", None), ("unsure", None),
           child_only=True, parent=parent),
    )


def detail_questions(*, parent: bool = False) -> tuple[Question, ...]:
    """Return the questions about the rash asked once the photos are in (`parent`: as for
    `screening_questions`)."""
    where = Question("where", text("journey.details.where_exactly"),
                     (Option("skip", text("journey.details.skip")),), free_text=True)
    tried = Question("tried", text("journey.details.tried_question"),
                     (Option("nothing", text("journey.details.tried_nothing")),), free_text=True)
    return (
        where,
        _q("details", "duration", ("days", None), ("weeks", None), ("months", None),
           ("long", None), parent=parent),
        _q("details", "symptoms", ("itchy", None), ("painful", None), ("both", None),
           ("neither", None), parent=parent),
        tried,
    )


def next_question(
    questions: tuple[Question, ...], answers: dict[str, str], prefix: str, *, child: bool
) -> Question | None:
    """Return the first question not yet answered (skipping those not put to this patient:
    child-only ones for adults, a follow-up whose answer it follows was not given)."""
    for question in questions:
        if not question.applies(answers, prefix, child=child):
            continue
        if f"{prefix}.{question.id}" not in answers:
            return question
    return None


def red_flags_unasked(answers: dict[str, str]) -> bool:
    """True while the screening's red-flag question has no answer: an answer that would end
    the request before it ("a mole, spot or lump") waits for it (`stop_before_red_flags`)."""
    return "screen.red_flags" not in answers


def stop_before_red_flags(questions: tuple[Question, ...],
                          answers: dict[str, str]) -> Option | None:
    """The ending answer given (and confirmed) before the red flags were asked, to end the
    request once they are answered "no"; None if there is none.

    The red flags are asked before any routine stop ends the request, so an urgent answer is
    never hidden by it: spots that do not fade under a glass may be taken for "a mole, spot or
    lump" (hazard log H43)."""
    for question in questions:
        if question.id == "red_flags":
            return None
        option = question.option(answers.get(f"screen.{question.id}", ""))
        if option is not None and option.stop:
            return option
    return None

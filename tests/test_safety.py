"""Which words get a safety notice: everyday phrasing of danger and of suicide, and not ordinary
reports of anti-social behaviour that share their words."""

from __future__ import annotations

import pytest

from dialogs.policy import Policy
from dialogs.safety import Risk
from dialogs.safety import risks_in
from tests.factories import Resident


@pytest.mark.parametrize(
    "words",
    [
        "he put a knife to my throat in the car park and said hed cut me if i went to the police",
        "he said he would burn the flat down with us in it",
        "they pushed a firework through her letterbox, the mat caught fire",
        "hes outside now smashing my car up what do i do",
        "theyre trying to break in right now",
        "he threatened me with a hammer",
        "the kids set my car on fire",
        "they set fire to the bins",
        "someone poured petrol through the letterbox",
        "he hit my son",
        "he punched me in the face",
        "she spat at me and kicked my daughter",
        "he headbutted my husband",
        "they attacked my son with a bat",
        "hes kicking my door in",
        "i feel really unsafe",
        "I fear for my life",
        "no, hes about 50 and im scared he'll actually do it this time",
        "i am scared he will hurt the kids",
        "he said ill kill you",
        "he said hes gonna fucking kill me",
        "he said youre dead",
        "i was punched",
        "my son was stabbed",
        "the man next door hit me",
        "her boyfriend hit her",
        "hes at my door now",
        "he's trying to kick the door in",
        "they poured petrol on my door",
        "someone threw a petrol bomb at my house",
    ],
)
def test_everyday_words_of_danger_are_found(words: str) -> None:
    assert risks_in(words) == {Risk.DANGER}


@pytest.mark.parametrize(
    "words",
    [
        "i cant take much more of this, sometimes i think id be better off not here",
        "i just want it all to end",
        "life isnt worth living",
        "whats the point in living",
        "i wish i wasnt alive",
        "ive taken all my tablets",
        "i wish i could go to sleep and not wake up",
        "im going to end it",
        "theres no point in living like this",
        "I have nothing to live for",
        # Told of someone else, by a representative
        "she said she doesnt want to live like this anymore",
        "my mum says she wants to die",
        "she doesn't want to live anymore",
        "hes talking about killing himself",
    ],
)
def test_everyday_words_of_suicide_are_found(words: str) -> None:
    assert risks_in(words) == {Risk.SELF_HARM}


@pytest.mark.parametrize(
    "words",
    [
        "I want it to end",
        "I want it all to stop",
        "i want to move out, i cant take much more of this noise",
        "their ball hit my car",
        "they hit the fence with a football",
        "he threw a ball at my window",
        "the music is on right now",
        "the kids are outside now shouting",
        "they keep fighting now and then",
        "they light fireworks in the park every night",
        "they set up a sound system in the garden",
        "the stress gave me a panic attack",
        "Banging with a hammer all night",
        "The landlord is threatening us with eviction",
        "we would be better off gone from this street",
        "she doesnt want to live here anymore",
        "they dont want to live next to them",
        "he hurt himself falling off his bike",
        "the kids are scared theyll get told off",
        # Said in review: everyday words of ASB reports that must not get a 999 or Samaritans
        # notice, or a bold risk line for staff.
        "ive been trying to get in touch with the council for months",
        "i tried to get in contact with the police",
        "fighting and screaming for 6 months now",
        "theyre kicking a ball against my door right now",
        "kids are kicking the bins right now",
        "he is now threatening to report me",
        "the dogs are fighting right now",
        "i want the council to kick them out",
        "he pushed me to report it",
        "slap them with an asbo",
        "the baby kicks me all night",
        "the chip pan caught fire",
        "he put a knife in the dishwasher",
        "id be better off gone from here, moving house",
        "theres no point in going on reporting it",
        "i wish everything would end and we could live in peace",
        # Ambiguous: about the noise as often as about life. Not flagged, so it does not bury
        # the words that are clear.
        "I can't take it anymore",
        "i cant take it anymore the noise is constant",
    ],
)
def test_ordinary_reports_that_share_the_words_are_not(words: str) -> None:
    assert risks_in(words) == set()


def test_danger_now_typed_at_a_yes_or_no_question_gets_999_and_the_question(
    default_policy: Policy,
) -> None:
    resident = Resident(default_policy)
    resident.say("hes outside now smashing my car up what do i do")
    assert "call 999" in resident.text
    assert resident.field == "consent", "words alone are not an answer: asked again"
    assert resident.model.remarks == [
        ["consent", "hes outside now smashing my car up what do i do"]
    ]

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


# Found by comparing today's words with this morning's on 3,918 answers (a differential run):
# ordinary answers the new words flagged, and real ones they still missed.
@pytest.mark.parametrize(
    "words",
    [
        "I take tablets for my depression because of them",
        "i have to take tablets to sleep",
        "i take pills for my blood pressure",
        "i forgot to take my tablets because of the stress",
        "i take my tablets every morning",
        "They'll kill themselves on those motorbikes",
        "someone will kill themselves on that road",
        "theyre killing themselves laughing at me",
        "hanging themselves out the windows",
        "My son doesn't want to go on the bus anymore",
        "she doesnt want to go on holiday",
        "my son doesnt want to go on his bike",
        "No point going on about it",
        "theres no point in going on about it to the council",
        "no point carrying on with the council",
        "im going to end it with the landlord",
        "im gonna end it with the council",
        "he is thinking of ending it with his girlfriend",
        "i just want to go to sleep and not wake up to that noise",
        "whats the point of living here",
        "My bins were kicked over again",
        "my car was hit by their football",
        "my door was kicked",
        "my car was attacked",
        "my son got hit by a ball",
        "he was kicked out of his last flat",
        "they got kicked out of the pub",
        "they were hit with a fine",
        "i was threatened with a fine",
        "i was threatened with a letter",
        "Been going on for 2 years now, they keep banging on my door at 3am",
        "smashing my windows, its been going on for months now",
        "its breaking my heart, been going on for a year now",
        "the noise is breaking my sleep now",
        "They have started parking outside my house now",
        "they smoke outside my door now",
        "theyre outside my house now playing football",
        "I'm worried they'll do it again this weekend",
        "scared they will come back and party again",
        "worried he will come back and park there again",
        "The landlord is going to cut us off",
        "the council said they will cut us off if we dont pay",
        "they keep kicking my kids ball over the fence",
        "their bbq smoke is choking my kids",
        "you're dead lucky",
        "they pushed me over the edge",
        "kids keep trying to get into the building",
        "the fireworks were really not safe",
        "they threw eggs at us on halloween",
        "the kids threw snowballs at us",
        "they threw a drink at me",
        "they have rags in the windows instead of curtains",
        "i threatened them with the dog warden",
        "they keep trying to break into the sheds",
        "someone tried to break into my car",
        "she doesnt want to be here when they party",
        "i want my life to end up somewhere quiet",
        "i just want to go to sleep and not wake up at 3am to their music",
    ],
)
def test_ordinary_answers_found_in_the_differential_run_are_not_flagged(words: str) -> None:
    assert risks_in(words) == set()


@pytest.mark.parametrize(
    "words",
    [
        "ill kill u",
        "gonna kill u",
        "ima kill you",
        "i'll kill ya",
        "he threw a bottle at me",
        "he grabbed my arm",
        "he tried to run me over",
        "he drove his car at me",
        "he broke my nose",
        "smash my face in",
        "he said hed do me in",
        "he said hed slit my throat",
        "he came at me with a hammer",
        "he set his dog on me",
        "someone broke into my house",
        "im hiding in the bathroom",
        "he wont let me leave",
        "he said he will rape me",
        "i fear for my kids safety",
        "i really dont feel safe",
        "hes outside now smashing my car up what do i do",
        "im scared hell actually do it this time",
        "hes at my door now",
    ],
)
def test_danger_found_missing_in_the_differential_run_is_found(words: str) -> None:
    assert Risk.DANGER in risks_in(words)


@pytest.mark.parametrize(
    "words",
    [
        "ive cut myself",
        "i took too many tablets",
        "i swallowed a bottle of pills",
        "ive taken a load of paracetamol",
        "i keep thinking about ending it",
        "i feel like ending it",
        "id rather be dead",
        "i might as well be dead",
        "i want to jump off a bridge",
        "i wish i was never born",
        "she talks about ending it",
        "my son cuts himself",
        "she is hurting herself",
        "she tried to hurt herself",
        "he hung himself",
    ],
)
def test_self_harm_found_missing_in_the_differential_run_is_found(words: str) -> None:
    assert Risk.SELF_HARM in risks_in(words)

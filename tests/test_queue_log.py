"""queue_log parsing: every verb in old and new layouts, and every kind of bad line."""

from __future__ import annotations

import pytest

from floorconsole.events import KNOWN_VERBS, QUEUE_LOG_VERBS, Event
from floorconsole.queue_log import BLANK, LAYOUTS, is_known, parse_line, to_line

# One real-shaped line per verb and layout variant (docs/feeds.md, PROVENANCE.md).
LINES = {
    "ENTERQUEUE 1.4": b"1266833911|1266833905.2|9000|NONE|ENTERQUEUE||01700000001",
    "ENTERQUEUE 1.8 position": b"1266833911|1266833905.2|9000|NONE|ENTERQUEUE||01700000001|1",
    "ENTERQUEUE cidname": b"1266833911|1266833905.2|9000|NONE|ENTERQUEUE||anonymous|1|Anon",
    "CONNECT 1.2": b"1|c|q|SIP/1|CONNECT|4",
    "CONNECT 1.4": b"1266833912|1266833905.2|9000|Local/2004@from-internal/n|CONNECT|1|1266833911.7",
    "CONNECT 1.6": b"1|c|q|SIP/1|CONNECT|4|c.2|3",
    "COMPLETEAGENT": b"1266833915|1266833905.2|9000|Local/2004@from-internal/n|COMPLETEAGENT|1|3|1",
    "COMPLETECALLER": b"1|c|q|SIP/1|COMPLETECALLER|2|4|1",
    "ABANDON": b"1266834015|1266833996.31|9000|NONE|ABANDON|2|2|13",
    "EXITWITHTIMEOUT old": b"1|c|q|NONE|EXITWITHTIMEOUT|1",
    "EXITWITHTIMEOUT new": b"1|c|q|NONE|EXITWITHTIMEOUT|1|1|40",
    "EXITWITHKEY old": b"1|c|q|NONE|EXITWITHKEY|5|1",
    "EXITWITHKEY new": b"1|c|q|NONE|EXITWITHKEY|5|1|1|30",
    "EXITEMPTY": b"1|c|q|NONE|EXITEMPTY|1|1|10",
    "RINGNOANSWER": b"1366720340|1366720340.303267|MYQUEUE|SIP/8007|RINGNOANSWER|1000",
    "RINGCANCELED": b"1|c|q|SIP/1|RINGCANCELED|1000",
    "TRANSFER 1.4": b"1|c|q|SIP/1|TRANSFER|2000|from-internal|4|30",
    "TRANSFER 1.8": b"1|c|q|SIP/1|TRANSFER|2000|from-internal|4|30|1",
    "BLINDTRANSFER": b"1|c|q|SIP/1|BLINDTRANSFER|2000|from-internal|4|30|1",
    "ATTENDEDTRANSFER BRIDGE": b"1|c|q|SIP/1|ATTENDEDTRANSFER|BRIDGE|abc-123|4|30|1",
    "ATTENDEDTRANSFER APP": b"1|c|q|SIP/1|ATTENDEDTRANSFER|APP|Voicemail|4|30|1",
    "ATTENDEDTRANSFER LINK": b"1|c|q|SIP/1|ATTENDEDTRANSFER|LINK|PJSIP/1-1|PJSIP/2-2|4|30|1",
    "ADDMEMBER": b"1|MANAGER|q|SIP/1|ADDMEMBER|",
    "ADDMEMBER paused": b"1|MANAGER|q|SIP/1|ADDMEMBER|PAUSED",
    "REMOVEMEMBER": b"1|MANAGER|q|SIP/1|REMOVEMEMBER|",
    "PAUSE 1.4": b"1|NONE|q|SIP/1|PAUSE|",
    "PAUSE reason": b"1455031982|NONE|9999|JASON SMITH|PAUSE|LUNCHBREAK",
    "UNPAUSE": b"1|NONE|q|SIP/1|UNPAUSE|",
    "PAUSEALL": b"1|NONE|NONE|SIP/1|PAUSEALL|meal",
    "UNPAUSEALL": b"1|NONE|NONE|SIP/1|UNPAUSEALL|",
    "AGENTLOGIN 11": b"1|NONE|NONE|Agent/1001|AGENTLOGIN|SIP/1001-0001",
    "AGENTLOGIN 12": b"1|NONE|NONE|1001|AGENTLOGIN|PJSIP/1001-0001",
    "AGENTLOGOFF": b"1|NONE|NONE|Agent/1001|AGENTLOGOFF|SIP/1001-0001|300",
    "AGENTCALLBACKLOGIN": b"1|NONE|NONE|Agent/1001|AGENTCALLBACKLOGIN|1001@agents",
    "AGENTCALLBACKLOGOFF": b"1|NONE|NONE|Agent/1001|AGENTCALLBACKLOGOFF|1001@agents|10|Autologoff",
    "QUEUESTART": b"1761514265|NONE|NONE|NONE|QUEUESTART|",
    "CONFIGRELOAD": b"1761588872|NONE|NONE|NONE|CONFIGRELOAD|",
    "SYSCOMPAT": b"1|c|q|SIP/1|SYSCOMPAT|",
    "PENALTY": b"1|NONE|q|SIP/1|PENALTY|2",
    "DID": b"1|c|q|NONE|DID|8005550100",
    "INFO": b"1|NONE|NONE|NONE|INFO|anything",
    "ESCALATE": b"1|c|q|SIP/1|ESCALATE|customer insists|2",
    "FLOORTAKEOVER": b"1|c|q|SIP/1|FLOORTAKEOVER|alice|bridged",
}


@pytest.mark.parametrize("name", sorted(LINES))
def test_every_verb_and_layout_parses(name: str) -> None:
    ev = parse_line(LINES[name])
    assert isinstance(ev, Event), ev
    assert ev.verb == name.split()[0]
    assert is_known(ev.verb)


def test_every_queue_log_verb_has_a_line_here() -> None:
    assert {k.split()[0] for k in LINES} == set(QUEUE_LOG_VERBS) - {"AGENTDUMP"} | {"SYSCOMPAT"}
    assert set(LAYOUTS) <= KNOWN_VERBS


def test_fields_are_kept_as_strings() -> None:
    ev = parse_line(b"1292281041|psy1-1292281041.87|sales|Frolova K.|CONNECT|4|x|3")
    assert isinstance(ev, Event)
    assert ev.callid == "psy1-1292281041.87"  # never a float
    assert ev.agent == "Frolova K."
    assert ev.data == ("4", "x", "3")
    assert parse_line(b"1|1266833905.20|q|NONE|ENTERQUEUE||x").callid == "1266833905.20"


def test_free_text_agent_name() -> None:
    ev = parse_line(LINES["PAUSE reason"])
    assert (ev.agent, ev.queue, ev.data) == ("JASON SMITH", "9999", ("LUNCHBREAK",))


def test_empty_data_still_ends_with_pipe() -> None:
    assert parse_line(LINES["QUEUESTART"]).data == ()
    assert parse_line(b"1761514265|NONE|NONE|NONE|QUEUESTART").data == ()


def test_custom_verbs_are_well_formed_but_not_known() -> None:
    ev = parse_line(b"1|c|q|NONE|CALLERONHOLD|x")
    assert isinstance(ev, Event) and not is_known(ev.verb)


@pytest.mark.parametrize(
    "line, reason",
    [
        (b"", BLANK),
        (b"   \r", BLANK),
        (b"1|c|q|SIP/1", "too_few_fields"),
        (b"garbage", "too_few_fields"),
        (b"abc|c|q|SIP/1|CONNECT|4", "bad_time"),
        (b"nan|c|q|SIP/1|CONNECT|4", "bad_time"),
        (b"-5|c|q|SIP/1|CONNECT|4", "bad_time"),
        (b"1_266_833_911|c|q|SIP/1|CONNECT|4", "bad_time"),
        (b"9" * 400 + b"|c|q|SIP/1|CONNECT|4", "bad_time"),
        (b"1|c|q|SIP/1|  |4", "bad_fields"),
        (b"1|c|q|SIP/1|CONNECT|-4", "bad_fields"),
        (b"1|c|q|SIP/1|CONNECT|" + b"9" * 400, "bad_fields"),
        (b"1|c|q|SIP/1|ATTENDEDTRANSFER|4|30", "bad_fields"),
        (b"1|c|q|SIP/1||4", "bad_fields"),
        (b"1|c|q|SIP/1|CONNECT|soon", "bad_fields"),
        (b"1|c|q|SIP/1|CONNECT", "bad_fields"),
        (b"1|c|q|SIP/1|COMPLETEAGENT|1", "bad_fields"),
        (b"1|c|q|SIP/1|RINGNOANSWER|", "bad_fields"),
        (b"1|c|q|SIP/1|ATTENDEDTRANSFER|APP|x|4|long|1", "bad_fields"),
    ],
)
def test_bad_lines_give_a_reason(line: bytes, reason: str) -> None:
    assert parse_line(line) == reason


def test_tolerated_oddities() -> None:
    assert parse_line(b"1266833911|c|q|SIP/1|CONNECT|4\r").data == ("4",)
    assert parse_line(b"\xef\xbb\xbf1|c|q|SIP/1|CONNECT|4").time == 1
    assert parse_line(b"1266833911.5|c|q|SIP/1|CONNECT|4").time == 1266833911.5
    # Verbs are case-sensitive (issue 9): kept as written, so a custom verb, unknown.
    assert parse_line(b"1266833911|c|q|SIP/1|connect|4").verb == "connect"
    ev = parse_line(b"1|c|q|Jos\xe9|PAUSE|caf\xe9")  # Latin-1 bytes, not UTF-8
    assert ev.agent == "Jos\ufffd"


def test_key_is_stable_and_lazy() -> None:
    a = parse_line(LINES["ESCALATE"])
    b = parse_line(LINES["ESCALATE"] + b"\r")
    assert a._key is None
    assert a.key == b.key and len(a.key) == 32
    assert a.key != parse_line(LINES["ESCALATE"].replace(b"|2", b"|3")).key
    # Same event written with a whole-number float time: same identity.
    c = Event(1.0, "c", "q", "SIP/1", "ESCALATE", ("customer insists", "2"))
    assert c.key == a.key


def test_to_line_round_trips() -> None:
    for line in LINES.values():
        ev = parse_line(line)
        again = parse_line(to_line(ev))
        assert again == ev

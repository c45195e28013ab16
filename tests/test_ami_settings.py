"""The [ami] table and the pure builders of what is sent."""

from __future__ import annotations

import os
import ssl
import tomllib
from pathlib import Path

import pytest

from floorconsole.ami.commands import (
    SpyMode,
    chanspy_options,
    exact_channel,
    queue_pause,
    spy_originate,
    takeover_queue_log,
)
from floorconsole.ami.settings import AmiSettingsError, parse_ami_settings

TOML = """
[ami]
host = "pbx.example.net"
username = "floorconsole"
secret_file = "ami.secret"
action_timeout_s = 3

[ami.people.alice]
endpoint = "PJSIP/2001"
extension = "2001"
"""


def secret(tmp: Path, mode: int = 0o600, text: str = "t0p-secret\n") -> Path:
    p = tmp / "ami.secret"
    p.write_text(text)
    os.chmod(p, mode)
    return p


def test_no_table_means_no_ami(tmp_path: Path) -> None:
    assert parse_ami_settings(None, tmp_path) is None


def test_a_full_table(tmp_path: Path) -> None:
    secret(tmp_path)
    s = parse_ami_settings(tomllib.loads(TOML)["ami"], tmp_path)
    assert s is not None
    assert (s.host, s.port, s.username, s.tls, s.action_timeout_s) == (
        "pbx.example.net",
        5038,
        "floorconsole",
        False,
        3.0,
    )
    assert s.secret_file == tmp_path / "ami.secret" and s.read_secret() == "t0p-secret"
    assert s.person("alice").endpoint == "PJSIP/2001"  # type: ignore[union-attr]
    assert s.person("bob") is None and s.ssl_context() is None


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o700])
def test_a_secret_file_others_can_read_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    secret(tmp_path, mode)
    with pytest.raises(AmiSettingsError, match=r"mode 0600 or 0400.*chmod 600"):
        parse_ami_settings(tomllib.loads(TOML)["ami"], tmp_path)


def test_mode_0400_is_accepted(tmp_path: Path) -> None:
    secret(tmp_path, 0o400)
    assert parse_ami_settings(tomllib.loads(TOML)["ami"], tmp_path) is not None


@pytest.mark.parametrize(
    "raw,match",
    [
        ({"host": "h", "username": "u", "secret_file": "s", "secret": "x"}, "not kept in the config"),
        ({"host": "h", "username": "u"}, "ami.secret_file: required"),
        ({"host": "h", "username": "u", "secret_file": "s", "port": 70000}, "ami.port"),
        ({"host": "h", "username": "u", "secret_file": "s", "tls": "yes"}, "ami.tls"),
        ({"host": "h", "username": "u", "secret_file": "s", "hostname": "x"}, "unknown key"),
        ({"host": "h", "username": "u", "secret_file": "s", "action_timeout_s": 0}, "ami.action_timeout_s"),
        ({"host": "h", "username": "u", "secret_file": "s", "people": {"a": {"endpoint": "2001"}}}, "PJSIP/2001"),
        (
            {
                "host": "h",
                "username": "u",
                "secret_file": "s",
                "people": {"a": {"endpoint": "PJSIP/1", "extension": "1,2"}},
            },
            "extension",
        ),
        ({"host": "h", "username": "u", "secret_file": "missing"}, "does not exist"),
    ],
)
def test_bad_tables_name_the_key(tmp_path: Path, raw: dict[str, object], match: str) -> None:
    (tmp_path / "s").write_text("x\n")
    os.chmod(tmp_path / "s", 0o600)
    with pytest.raises(AmiSettingsError, match=match):
        parse_ami_settings(raw, tmp_path)


def test_tls_checks_the_certificate_and_the_host_name(tmp_path: Path) -> None:
    secret(tmp_path)
    s = parse_ami_settings({**tomllib.loads(TOML)["ami"], "tls": True}, tmp_path)
    assert s is not None and s.port == 5039
    ctx = s.ssl_context()
    assert isinstance(ctx, ssl.SSLContext) and ctx.check_hostname and ctx.verify_mode is ssl.CERT_REQUIRED


def test_chanspy_options() -> None:
    assert chanspy_options(SpyMode.LISTEN, True) == "qdEu"
    assert chanspy_options(SpyMode.WHISPER, True) == "qdEuw"
    assert chanspy_options(SpyMode.BARGE, False) == "qdEB"


@pytest.mark.parametrize("bad", ["PJSIP/10", "PJSIP/101", "/PJSIP/.*/", "", "PJSIP/1-1,q", "101-0001"])
def test_only_full_channel_names_are_acted_on(bad: str) -> None:
    with pytest.raises(ValueError):
        exact_channel(bad)


def test_spy_originate_targets_the_exact_channel() -> None:
    o = spy_originate("PJSIP/2001", "PJSIP/101-0000001a", SpyMode.WHISPER, 20, True, "whisper PJSIP/101")
    assert o["Data"] == "PJSIP/101-0000001a,qdEuw" and o["Channel"] == "PJSIP/2001" and o["Timeout"] == "20000"
    with pytest.raises(ValueError):
        spy_originate("PJSIP/2001", "PJSIP/10", SpyMode.LISTEN, 20, True, "x")


def test_queue_log_and_pause_fields_cannot_break_a_line() -> None:
    q = takeover_queue_log("sales", "1.2", "PJSIP/101", "ali\r\nce|x", "bridged")
    assert q["Message"] == "ali  ce x|bridged" and q["Event"] == "FLOORTAKEOVER"
    assert queue_pause("PJSIP/101", False, "", None) == {
        "Action": "QueuePause",
        "Interface": "PJSIP/101",
        "Paused": "false",
    }


def test_hangup_roles_and_the_config_hook(tmp_path: Path) -> None:
    from floorconsole.config import ConfigError, load_config

    secret(tmp_path)
    base = {"host": "pbx", "username": "floor", "secret_file": "ami.secret"}
    assert parse_ami_settings(base, tmp_path).hangup_roles == ("supervisor", "manager")
    assert parse_ami_settings({**base, "hangup_roles": ["manager"]}, tmp_path).hangup_roles == ("manager",)
    for bad in (["viewer"], ["boss"], "manager"):
        with pytest.raises(AmiSettingsError, match="hangup_roles"):
            parse_ami_settings({**base, "hangup_roles": bad}, tmp_path)
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[ami]\nhost = "pbx"\nusername = "floor"\nsecret_file = "ami.secret"\n[ami.people.alice]\nendpoint = "PJSIP/2001"\n'
    )
    config = load_config(cfg)
    assert config.ami is not None and config.ami.person("alice").endpoint == "PJSIP/2001"
    os.chmod(tmp_path / "ami.secret", 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_config(cfg)

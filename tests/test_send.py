"""`python -m legame send`: the board pack by e-mail, through a real SMTP server (aiosmtpd) started here."""

from __future__ import annotations

import email
import socket
import subprocess
from email import policy
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from legame import board, i18n, warehouse
from legame.config import ROOT, load_config
from legame.kpis import preset
from tests.conftest import legame


class Inbox:
    """An SMTP handler that keeps every message it accepts, and the logins it was given."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            if auth_data.password == b"s3cret":
                return AuthResult(success=True)
        # aiosmtpd answers a refusal only when the handler gives the reply itself.
        return AuthResult(success=False, handled=False, message="535 5.7.8 Authentication credentials invalid")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,  # a server on this machine: no STARTTLS offered
    )
    controller.start()
    yield inbox, port
    controller.stop()


def _env(tmp_path: Path, port: int, starttls: bool = False, **extra: str) -> dict[str, str]:
    """A config.yaml like the shipped one (its smtp block kept), with the server reached through the variables."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["smtp"]["starttls"] = starttls
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return {
        "LEGAME_CONFIG": str(path),
        "LEGAME_SMTP_HOST": "127.0.0.1",
        "LEGAME_SMTP_PORT": str(port),
        "LEGAME_SMTP_USER": "board",
        "LEGAME_SMTP_PASSWORD": "s3cret",
        "LEGAME_SMTP_FROM": "Legame Brand <legame@brand.example.it>",
        **extra,
    }


def _headline(db: Path, lang: str = "en") -> tuple[str, str]:
    """The headline and period label of last quarter's board, worked out in this process."""
    config = load_config()
    config.data["warehouse"]["path"] = str(db)
    con = warehouse.connect(config)
    try:
        with i18n.language(lang):
            period = preset("last_quarter", board.anchor_date(con))
            built = board.build(con, config, period, "previous")
            return built.headline, period.label
    finally:
        con.close()


def _parts(raw: bytes):
    message = email.message_from_bytes(raw, policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    (pdf,) = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    return message, text, pdf


def test_the_board_pack_reaches_every_recipient_with_its_pdf(demo_db, tmp_path, smtp_server):
    inbox, port = smtp_server
    result = legame(
        demo_db,
        "send",
        "--to",
        "ceo@brand.example.it, Anna Rossi <cfo@brand.example.it>",
        "--period",
        "last-quarter",
        **_env(tmp_path, port),
    )
    assert result.returncode == 0, result.stderr
    assert inbox.logins == [("board", "s3cret")]  # the password came from LEGAME_SMTP_PASSWORD
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "legame@brand.example.it"
    assert envelope.rcpt_tos == ["ceo@brand.example.it", "cfo@brand.example.it"]

    message, text, pdf = _parts(envelope.original_content)
    headline, label = _headline(demo_db)
    assert message["Subject"] == f"Board pack: {label}"
    assert message["To"] == "ceo@brand.example.it, cfo@brand.example.it"
    assert text.startswith(headline + "\n")
    assert "What changed:\n- " in text or "Nothing changed beyond normal variation." in text
    assert f"The board pack for {label} is attached as a PDF." in text
    content = pdf.get_content()
    assert content.startswith(b"%PDF") and len(content) > 20_000
    assert pdf.get_filename().endswith(".pdf")
    (tmp_path / "pack.pdf").write_bytes(content)
    pages = subprocess.run(["pdftotext", str(tmp_path / "pack.pdf"), "-"], capture_output=True, text=True).stdout
    assert label in pages


def test_a_missed_target_is_named_in_the_mail(demo_db, tmp_path, smtp_server):
    inbox, port = smtp_server
    env = _env(tmp_path, port)
    data = yaml.safe_load(Path(env["LEGAME_CONFIG"]).read_text())
    data["targets"]["nps"] = {"target": 95, "watch_within": 1}  # no NPS reaches 95: off track
    Path(env["LEGAME_CONFIG"]).write_text(yaml.safe_dump(data, allow_unicode=True))
    result = legame(demo_db, "send", "--to", "ceo@brand.example.it", "--period", "last-quarter", **env)
    assert result.returncode == 0, result.stderr
    _message, text, _pdf = _parts(inbox.envelopes[0].original_content)
    off = [line for line in text.splitlines() if line.startswith("- Net Promoter Score") or "target of +95" in line]
    assert off and "off track" in off[0], text


def test_the_mail_in_italian(demo_db, tmp_path, smtp_server):
    inbox, port = smtp_server
    result = legame(
        demo_db,
        "send",
        "--to",
        "ceo@brand.example.it",
        "--period",
        "last-quarter",
        "--lang",
        "it",
        **_env(tmp_path, port),
    )
    assert result.returncode == 0, result.stderr
    message, text, _pdf = _parts(inbox.envelopes[0].original_content)
    headline, label = _headline(demo_db, "it")
    assert message["Subject"] == f"Report per il CdA · {label}"
    assert text.startswith(headline + "\n")
    assert f"In allegato trovi il report per il CdA del periodo {label}, in PDF." in text


def test_a_dry_run_writes_the_message_and_sends_nothing(demo_db, tmp_path, smtp_server):
    inbox, port = smtp_server
    out = tmp_path / "monday.eml"
    env = _env(tmp_path, port)
    result = legame(demo_db, "send", "--to", "ceo@brand.example.it", "--dry-run", "--out", str(out), **env)
    assert result.returncode == 0, result.stderr
    assert inbox.envelopes == []
    message, _text, pdf = _parts(out.read_bytes())
    assert message["To"] == "ceo@brand.example.it"
    assert pdf.get_content().startswith(b"%PDF")
    assert str(out) in result.stdout


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"LEGAME_SMTP_PASSWORD": ""}, "LEGAME_SMTP_PASSWORD"),
        ({"LEGAME_SMTP_PASSWORD": "wrong"}, "refused the user name or password"),
        ({"LEGAME_SMTP_PORT": "nine"}, "The SMTP port must be a number"),
        ({"LEGAME_SMTP_FROM": "nobody"}, "No sender address is set"),
    ],
)
def test_bad_settings_are_refused_with_what_to_fix(demo_db, tmp_path, smtp_server, change, says):
    inbox, port = smtp_server
    result = legame(demo_db, "send", "--to", "ceo@brand.example.it", **{**_env(tmp_path, port), **change})
    assert result.returncode == 1
    assert says in result.stderr
    assert inbox.envelopes == []


def test_starttls_is_required_unless_turned_off(demo_db, tmp_path, smtp_server):
    inbox, port = smtp_server
    result = legame(demo_db, "send", "--to", "ceo@brand.example.it", **_env(tmp_path, port, starttls=True))
    assert result.returncode == 1
    assert "does not offer STARTTLS" in result.stderr
    assert inbox.envelopes == []


def test_a_bad_recipient_is_refused_before_anything_is_built(demo_db, tmp_path, smtp_server):
    inbox, port = smtp_server
    result = legame(demo_db, "send", "--to", "ceo@brand.example.it, not an address", **_env(tmp_path, port))
    assert result.returncode == 1
    assert "Not an e-mail address: not an address." in result.stderr
    assert inbox.envelopes == []

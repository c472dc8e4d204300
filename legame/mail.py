"""The board pack by e-mail: the message (headline, KPIs not on track, what changed, the PDF) and its delivery.

SMTP settings come from config.yaml's `smtp:` block, each overridable by an environment variable
(LEGAME_SMTP_HOST, LEGAME_SMTP_PORT, LEGAME_SMTP_USER, LEGAME_SMTP_FROM); the password only ever
from LEGAME_SMTP_PASSWORD, never from a file in the repository.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr

from legame.config import Config
from legame.errors import LegameError
from legame.i18n import _, ngettext

ENV = {
    "host": "LEGAME_SMTP_HOST",
    "port": "LEGAME_SMTP_PORT",
    "username": "LEGAME_SMTP_USER",
    "from": "LEGAME_SMTP_FROM",
}
PASSWORD_ENV = "LEGAME_SMTP_PASSWORD"
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Smtp:
    """Where and as whom the mail is sent."""

    host: str
    port: int
    starttls: bool
    username: str | None
    password: str | None
    sender: str

    @classmethod
    def from_config(cls, config: Config, env: Mapping[str, str] | None = None) -> Smtp:
        env = os.environ if env is None else env
        block = config.get("smtp", default={}) or {}

        def setting(key: str) -> str | None:
            value = env.get(ENV[key]) or block.get(key)
            return str(value).strip() if value not in (None, "") else None

        host, sender = setting("host"), setting("from")
        if not host:
            raise LegameError(_("No SMTP server is set: fill in smtp.host in config.yaml or set LEGAME_SMTP_HOST."))
        if not sender or "@" not in parseaddr(sender)[1]:
            raise LegameError(_("No sender address is set: fill in smtp.from in config.yaml or set LEGAME_SMTP_FROM."))
        port_text = setting("port") or "587"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise LegameError(_("The SMTP port must be a number from 1 to 65535, not {port}.", port=port_text))
        username, password = setting("username"), env.get(PASSWORD_ENV) or None
        if username and not password:
            raise LegameError(_("The SMTP user {user} has no password: set LEGAME_SMTP_PASSWORD.", user=username))
        return cls(host, int(port_text), bool(block.get("starttls", True)), username, password, sender)


def recipients(text: str) -> list[str]:
    """The addresses of `--to` ("a@x.it, Anna <b@y.it>"), refused whole when one is not an address."""
    pieces = [piece.strip() for piece in text.split(",") if piece.strip()]
    found = [parseaddr(piece)[1] for piece in pieces]
    bad = [piece for piece, address in zip(pieces, found, strict=True) if not _is_address(address)]
    if not pieces or bad:
        raise LegameError(_("Not an e-mail address: {address}.", address=", ".join(bad) or text))
    return found


def _is_address(address: str) -> bool:
    local, _at, domain = address.rpartition("@")
    return bool(local) and "." in domain and not any(c.isspace() for c in address)


def body(headline: str, not_on_track: list[str], changes: list[str], period: str, judged: int) -> str:
    """The mail's text: the headline, the KPIs not on track, what changed, and what is attached."""
    lines = [headline, ""]
    if not_on_track:
        lines.append(
            ngettext(
                "{n} of {judged} KPIs with a target is not on track:",
                "{n} of {judged} KPIs with a target are not on track:",
                len(not_on_track),
                judged=judged,
            )
        )
        lines += [f"- {line}" for line in not_on_track]
    else:
        lines.append(ngettext("The KPI with a target is on track.", "All {n} KPIs with a target are on track.", judged))
    lines.append("")
    if changes:
        lines.append(_("What changed:"))
        lines += [f"- {sentence}" for sentence in changes]
    else:
        lines.append(_("Nothing changed beyond normal variation."))
    lines += ["", _("The board pack for {period} is attached as a PDF.", period=period), "", "Legame"]
    return "\n".join(lines) + "\n"


def compose(smtp: Smtp, to: list[str], subject: str, text: str, pdf: bytes, filename: str) -> EmailMessage:
    message = EmailMessage()
    name, address = parseaddr(smtp.sender)
    message["From"] = formataddr((name or "Legame", address))
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2])
    message.set_content(text)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message


def deliver(message: EmailMessage, smtp: Smtp) -> None:
    """Hand the message to the SMTP server; a refusal or an unreachable server is a LegameError naming it."""
    where = f"{smtp.host}:{smtp.port}"
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.username:
                server.login(smtp.username, smtp.password or "")
            refused = server.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise LegameError(_("The SMTP server {server} refused the user name or password.", server=where)) from None
    except smtplib.SMTPNotSupportedError:
        raise LegameError(
            _(
                "The SMTP server {server} does not offer STARTTLS: set smtp.starttls to false only on a trusted "
                "network.",
                server=where,
            )
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise LegameError(
            _("The SMTP server refused every recipient: {addresses}.", addresses=", ".join(exc.recipients))
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise LegameError(_("Could not send through {server}: {reason}.", server=where, reason=exc)) from None
    if refused:
        raise LegameError(_("Sent, but the SMTP server refused: {addresses}.", addresses=", ".join(refused)))

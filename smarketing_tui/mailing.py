"""E-mailing the minutes: the message, the password, and the SMTP conversation.

:func:`minutes_message` builds one MIME message: the minutes as HTML with the Markdown
(its data unescaped) as its plain-text alternative, and the open action items attached
as iCalendar to-dos.
:func:`send_message` hands it to the server named by ``smtp:`` in smarketing.yaml.

The password is never in smarketing.yaml (loading the settings refuses one there). It
comes from the environment variable ``SMARKETING_SMTP_PASSWORD``, else from the system
keyring (service ``smarketing-tui``, the SMTP user name as the account) when the optional
``keyring`` package is installed. Every failure becomes one line: exit 1 when the
environment is at fault (server unreachable, TLS, login), 2 when the input is (addresses).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr

from smarketing_tui.errors import BrokenEnvironment, UserError, one_line
from smarketing_tui.minutes import Minutes, render
from smarketing_tui.minutes_render import clean
from smarketing_tui.minutes_render.to_markdown import plain_text
from smarketing_tui.timeutil import format_date, to_local
from smarketing_tui.workspace import Settings, SmtpSettings

PASSWORD_VAR = "SMARKETING_SMTP_PASSWORD"
KEYRING_SERVICE = "smarketing-tui"
PLACEHOLDER_SENDER = "smarketing-tui <minutes@localhost>"
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Recipients:
    """Who gets the minutes, and the attendees left out for want of an e-mail address."""

    addresses: tuple[str, ...]
    without_email: tuple[str, ...] = ()


def recipients(minutes: Minutes, settings: Settings, to: tuple[str, ...] = ()) -> Recipients:
    """``--to`` addresses (an address, or a person's name or alias from smarketing.yaml) when
    given; else everyone on the meeting's attendance list, present or absent (the absent
    need the minutes most), by their e-mail in smarketing.yaml."""
    if to:
        return Recipients(tuple(dict.fromkeys(_address(value, settings) for value in to)))
    if not minutes.attendees:
        raise UserError(f"meeting #{minutes.meeting_id} has no attendance recorded, so there is "
                        "no one to send the minutes to; name them with --to ADDRESS")
    found, missing = [], []
    for attendee in minutes.attendees:
        email = minutes.emails.get(attendee.name)
        (found if email else missing).append(email or attendee.name)
    if not found:
        raise UserError(f"no attendee of meeting #{minutes.meeting_id} has an e-mail address "
                        "in smarketing.yaml (people: email:); add them, or use --to ADDRESS")
    return Recipients(tuple(dict.fromkeys(found)), tuple(missing))


def _address(value: str, settings: Settings) -> str:
    """An address as written (``ola@example.no``, ``Ola <ola@example.no>``), else the e-mail
    of the person a name or alias names."""
    address = parseaddr(value)[1]
    local, at, domain = address.rpartition("@")
    if at and local and domain and not any(c.isspace() or ord(c) < 32 for c in address):
        return address
    person = settings.person(value)
    if person is None:
        raise UserError(f"--to {value!r} is neither an e-mail address such as ola@example.no "
                        "nor a person in smarketing.yaml")
    if not person.email:
        raise UserError(f"--to {value!r}: {person.name} has no e-mail address in "
                        "smarketing.yaml (people: email:)")
    return person.email


def minutes_message(minutes: Minutes, to: Recipients, sender: str,
                    attachment_name: str) -> EmailMessage:
    """The minutes as one e-mail: HTML with a plain-text (Markdown) alternative, and the open
    action items as ``attachment_name`` (iCalendar) when there are any."""
    message = EmailMessage()
    message["Subject"] = " ".join(clean(f"Minutes: {minutes.title}, "
                                        f"{format_date(minutes.date)}").split())
    message["From"] = sender
    message["To"] = ", ".join(to.addresses)
    message["Date"] = format_datetime(to_local(minutes.generated_at, minutes.timezone))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid("minutes", domain=domain)
    message.set_content(plain_text(render(minutes, "md")))
    message.add_alternative(render(minutes, "html"), subtype="html")
    if minutes.open_action_items:
        message.add_attachment(render(minutes, "ics").encode("utf-8"), maintype="text",
                               subtype="calendar", filename=attachment_name,
                               params={"method": "PUBLISH", "charset": "utf-8"})
    return message


def smtp_password(smtp: SmtpSettings) -> str | None:
    """The SMTP password: ``$SMARKETING_SMTP_PASSWORD``, else the system keyring (when the
    ``keyring`` package is installed and holds one for the user), else None."""
    password = os.environ.get(PASSWORD_VAR)
    if password:
        return password
    if smtp.username is None:
        return None
    try:
        import keyring
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, smtp.username)
    except Exception as error:  # any keyring backend failure: say so, in one line
        raise BrokenEnvironment(f"the system keyring could not be read ({one_line(str(error))}"
                                f"); set {PASSWORD_VAR} instead") from None


def send_message(message: EmailMessage, smtp: SmtpSettings) -> dict[str, str]:
    """Send ``message`` through the server in ``smtp``; returns the recipients the server
    refused (address -> its reply) when it took the others. Raises one-line errors."""
    where = f"the SMTP server {smtp.host}:{smtp.port}"
    password = None
    if smtp.username is not None:
        password = smtp_password(smtp)
        if password is None:
            raise BrokenEnvironment(
                f"no SMTP password for {smtp.username}: set {PASSWORD_VAR}, or store it in the "
                f"system keyring (pip install keyring; keyring set {KEYRING_SERVICE} "
                f"{smtp.username})")
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS) as client:
            client.ehlo()
            if smtp.starttls:
                if not client.has_extn("starttls"):
                    raise BrokenEnvironment(f"{where} does not offer STARTTLS; nothing was sent "
                                            "(set smtp.starttls: false only for a server you "
                                            "trust on a network you trust)")
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if smtp.username is not None:
                client.login(smtp.username, password or "")
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise BrokenEnvironment(f"{where} refused the login of {smtp.username} "
                                f"({_reply(error)}); check {PASSWORD_VAR} or the keyring, and "
                                "smtp.username") from None
    except smtplib.SMTPNotSupportedError as error:
        raise BrokenEnvironment(f"{where} does not support logging in here ({one_line(str(error))})"
                                "; check smtp.username and smtp.starttls") from None
    except smtplib.SMTPRecipientsRefused as error:
        refused_text = "; ".join(f"{addr} ({_reply_of(reply)})"
                                 for addr, reply in error.recipients.items())
        raise UserError(f"{where} refused every recipient: {refused_text}; nothing was "
                        "sent") from None
    except smtplib.SMTPSenderRefused as error:
        raise UserError(f"{where} refused the sender {smtp.sender} ({_reply(error)}); check "
                        "smtp.sender in smarketing.yaml") from None
    except (smtplib.SMTPResponseException, smtplib.SMTPServerDisconnected) as error:
        raise BrokenEnvironment(f"{where} gave up on the message ({_reply(error)}); nothing "
                                "was sent") from None
    except ssl.SSLError as error:
        reason = getattr(error, "verify_message", None) or error.reason or one_line(str(error))
        raise BrokenEnvironment(f"TLS with {where} failed ({reason}); nothing was sent: check "
                                "smtp.host and the server's certificate") from None
    except smtplib.SMTPException as error:
        raise BrokenEnvironment(f"{where} failed ({one_line(str(error))}); nothing was "
                                "sent") from None
    except OSError as error:  # refused, unreachable, unknown host, timed out
        reason = error.strerror or one_line(str(error)) or type(error).__name__
        raise BrokenEnvironment(f"cannot reach {where} ({reason.lower()}); check smtp.host "
                                "and smtp.port in smarketing.yaml, and that the server "
                                "runs") from None
    return {addr: _reply_of(reply) for addr, reply in refused.items()}


def _reply(error: smtplib.SMTPException) -> str:
    code = getattr(error, "smtp_code", None)
    text = getattr(error, "smtp_error", b"")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return one_line(f"{code} {text}" if code else str(text or error))


def _reply_of(reply: tuple[int, bytes]) -> str:
    code, text = reply
    return one_line(f"{code} {text.decode('utf-8', 'replace')}")


def addresses_text(message: EmailMessage) -> str:
    """The message's recipients as one line."""
    return ", ".join(address for _, address in getaddresses([message["To"] or ""]))

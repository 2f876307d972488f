"""``smarketing minutes --send``: the minutes e-mailed through a real SMTP server.

Each test starts aiosmtpd on loopback (a free port) and sends to it with the CLI; the
message the server received is parsed with the email package. The hand-made meeting
(test_minutes_support) had Kari and Ola present (both with an e-mail in conftest's
smarketing.yaml) and Pål absent (no e-mail); its open action items are A2, B1 and B2.
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import sys
import types
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner

from smarketing_tui.cli import cli
from test_minutes_support import build_meetings

SCRIPT_DECISION = "Stop <script>alert(1)</script> & go"


class _Inbox:
    """An aiosmtpd handler keeping every message it was given."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    """A plain SMTP server on loopback; yields (inbox, port)."""
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def _configure(workspace, smtp_block: str) -> None:
    path = workspace.settings_path
    path.write_text(path.read_text(encoding="utf-8") + smtp_block, encoding="utf-8")


def _smtp(port: int, *, starttls: bool = False, username: str | None = None) -> str:
    lines = ["smtp:", "  host: 127.0.0.1", f"  port: {port}",
             f"  starttls: {'true' if starttls else 'false'}",
             "  sender: Smarketing <minutes@testfirma.no>"]
    if username:
        lines.append(f"  username: {username}")
    return "\n".join(lines) + "\n"


def _invoke(workspace, *args):
    return CliRunner().invoke(cli, ["--workspace", str(workspace.root), *args])


@pytest.fixture
def meeting(db, monkeypatch):
    monkeypatch.delenv("SMARKETING_SMTP_PASSWORD", raising=False)
    return build_meetings(db.conn, monkeypatch, decision_text=SCRIPT_DECISION)


def _parts(message):
    return {part.get_content_type(): part for part in message.walk()
            if not part.is_multipart()}


def test_the_minutes_arrive_with_html_plain_text_and_the_ics(workspace, meeting, inbox):
    handler, port = inbox
    _configure(workspace, _smtp(port))
    result = _invoke(workspace, "minutes", "23.11.2026", "--send")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Sent the minutes of meeting #2 to kari@example.no, ola@example.no "
                             f"(via 127.0.0.1:{port})\n")
    assert result.stderr == ("Note: Pål Sørensen has no e-mail address in smarketing.yaml and "
                             "gets no copy.\n")
    [envelope] = handler.envelopes
    assert envelope.mail_from == "minutes@testfirma.no"
    assert envelope.rcpt_tos == ["kari@example.no", "ola@example.no"]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == "Minutes: Weekly smarketing, 23.11.2026"
    assert message["From"] == "Smarketing <minutes@testfirma.no>"
    assert message.get_content_type() == "multipart/mixed"
    alternative = message.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain",
                                                                         "text/html"]
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html", "text/calendar"}
    html = parts["text/html"].get_content()
    assert "<script" not in html
    assert "Stop &lt;script&gt;alert(1)&lt;/script&gt; &amp; go" in html
    plain = parts["text/plain"].get_content().replace("\r\n", "\n")
    assert plain.startswith("# Weekly smarketing — 23.11.2026\n")
    # The Markdown's layout with the data as typed (plain text is never rendered as markup).
    assert "- Stop <script>alert(1)</script> & go\n" in plain
    assert "Status: ○ off track, 72\u00a0% against a target of 90\u00a0%" in plain
    assert "(solves issue #1)" in plain
    calendar = parts["text/calendar"]
    assert calendar.get_filename() == "2026-11-23-weekly-actions.ics"
    ics = calendar.get_content()
    assert ics.count("BEGIN:VTODO") == 3  # A2, B1 and B2 are open
    assert "SUMMARY:Set up an on-call rota for weekends" in ics


def test_to_sends_to_the_addresses_and_people_named(workspace, meeting, inbox):
    handler, port = inbox
    _configure(workspace, _smtp(port))
    result = _invoke(workspace, "minutes", "last", "--send", "--to", "Boss <boss@example.no>",
                     "--to", "O. Hansen", "--to", "boss@example.no", "--to", "kari@testfirma.no")
    assert result.exit_code == 0, result.output
    [envelope] = handler.envelopes
    # An address as written (once, even when it is also someone's alias, as Kari's
    # kari@testfirma.no), and Ola Hansen by his alias "O. Hansen", at his e-mail.
    assert envelope.rcpt_tos == ["boss@example.no", "ola@example.no", "kari@testfirma.no"]
    assert result.stderr == ""  # nobody of the attendance list is missed: it was not used


def test_dry_run_writes_the_eml_and_sends_nothing(workspace, meeting, inbox, tmp_path):
    handler, port = inbox
    _configure(workspace, _smtp(port))
    target = tmp_path / "x.eml"
    result = _invoke(workspace, "minutes", "last", "--send", "--dry-run", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Wrote {target} (not sent; for kari@example.no, "
                             "ola@example.no)\n")
    assert handler.envelopes == []
    message = email.message_from_bytes(target.read_bytes(), policy=policy.default)
    assert set(_parts(message)) == {"text/plain", "text/html", "text/calendar"}
    # Without -o: into minutes/, named like the other exports.
    result = _invoke(workspace, "minutes", "last", "--send", "--dry-run")
    assert result.exit_code == 0, result.output
    assert (workspace.minutes_dir / "2026-11-23-weekly.eml").is_file()
    # Never over an input.
    result = _invoke(workspace, "minutes", "last", "--send", "--dry-run", "-o",
                     str(workspace.settings_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: refusing to write {workspace.settings_path}")


def test_connection_refused_is_one_line_exit_1(workspace, meeting):
    port = _free_port()  # nothing listens there
    _configure(workspace, _smtp(port))
    result = _invoke(workspace, "minutes", "last", "--send")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: cannot reach the SMTP server 127.0.0.1:{port} (connection "
                             "refused); check smtp.host and smtp.port in smarketing.yaml, and "
                             "that the server runs\n")


def test_bad_input_is_one_line_exit_2(workspace, meeting):
    result = _invoke(workspace, "minutes", "last", "--send")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {workspace.settings_path}: no smtp: settings")
    _configure(workspace, _smtp(25))
    for args, message in [
            (("--to", "not an address"), "Error: --to 'not an address' is neither an e-mail "
                                         "address such as ola@example.no nor a person in "
                                         "smarketing.yaml\n"),
            (("--to", "Pål Sørensen"),
             "Error: --to 'Pål Sørensen': Pål Sørensen has no e-mail address in "
             "smarketing.yaml (people: email:)\n")]:
        result = _invoke(workspace, "minutes", "last", "--send", *args)
        assert (result.exit_code, result.stderr) == (2, message)
    result = _invoke(workspace, "minutes", "last", "--to", "a@b.no")
    assert (result.exit_code, result.stderr) == (2, "Error: --to goes with --send\n")
    result = _invoke(workspace, "minutes", "last", "--send", "-f", "html")
    assert result.exit_code == 2 and "--format does not go with --send" in result.stderr


def test_a_password_in_the_yaml_is_refused_where_it_is(workspace, meeting):
    _configure(workspace, _smtp(25, username="minutes") + "  password: hunter2\n")
    result = _invoke(workspace, "minutes", "last", "--send")
    assert result.exit_code == 2
    lines = workspace.settings_path.read_text(encoding="utf-8").splitlines()
    line = lines.index("  password: hunter2") + 1
    assert result.stderr.startswith(f"Error: {workspace.settings_path}:{line}:3: smtp.password: "
                                    "the SMTP password is never read from smarketing.yaml")
    assert "SMARKETING_SMTP_PASSWORD" in result.stderr and "hunter2" not in result.stderr


# -- STARTTLS and login ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class _Accounts:
    """An aiosmtpd authenticator with one account; keeps the logins it was offered."""

    def __init__(self, login: str, password: str) -> None:
        self.account = (login.encode(), password.encode())
        self.offered: list[tuple[bytes, bytes]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.offered.append((auth_data.login, auth_data.password))
        # handled=False: aiosmtpd itself answers a failure (535); its default leaves it to us
        return AuthResult(success=(auth_data.login, auth_data.password) == self.account,
                          handled=False)


@pytest.fixture
def tls_inbox(certificate):
    """An SMTP server on loopback that requires STARTTLS, then a login (minutes / s3cret)."""
    import ssl

    cert_file, key_file = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    handler, accounts = _Inbox(), _Accounts("minutes", "s3cret")
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(),
                            tls_context=context, require_starttls=True,
                            authenticator=accounts, auth_required=True)
    controller.start()
    try:
        yield handler, accounts, controller.port
    finally:
        controller.stop()


def test_starttls_and_login_with_the_password_from_the_environment(workspace, meeting, tls_inbox,
                                                                   certificate, monkeypatch):
    handler, accounts, port = tls_inbox
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the self-signed cert
    monkeypatch.setenv("SMARKETING_SMTP_PASSWORD", "s3cret")
    _configure(workspace, _smtp(port, starttls=True, username="minutes"))
    result = _invoke(workspace, "minutes", "last", "--send")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"(via 127.0.0.1:{port}, STARTTLS)\n")
    assert accounts.offered == [(b"minutes", b"s3cret")]
    [envelope] = handler.envelopes
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert "Stop &lt;script&gt;" in _parts(message)["text/html"].get_content()


def test_a_wrong_password_is_one_line_exit_1(workspace, meeting, tls_inbox, certificate,
                                             monkeypatch):
    handler, accounts, port = tls_inbox
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("SMARKETING_SMTP_PASSWORD", "wrong")
    _configure(workspace, _smtp(port, starttls=True, username="minutes"))
    result = _invoke(workspace, "minutes", "last", "--send")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: the SMTP server 127.0.0.1:{port} refused the login "
                                    "of minutes (535 ")
    assert result.stderr.count("\n") == 1 and "wrong" not in result.stderr
    assert handler.envelopes == []


def test_an_untrusted_certificate_is_one_line_exit_1(workspace, meeting, tls_inbox, monkeypatch,
                                                     tmp_path):
    handler, _, port = tls_inbox
    empty = tmp_path / "no-ca.pem"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))  # trust nothing, so not the self-signed
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    monkeypatch.setenv("SMARKETING_SMTP_PASSWORD", "s3cret")
    _configure(workspace, _smtp(port, starttls=True, username="minutes"))
    result = _invoke(workspace, "minutes", "last", "--send")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: TLS with the SMTP server 127.0.0.1:{port} failed ("
                                    "self-signed certificate")
    assert result.stderr.count("\n") == 1
    assert handler.envelopes == []


def test_no_starttls_offered_is_refused_before_the_password_goes_out(workspace, meeting, inbox,
                                                                       monkeypatch):
    handler, port = inbox
    monkeypatch.setenv("SMARKETING_SMTP_PASSWORD", "s3cret")
    _configure(workspace, _smtp(port, starttls=True, username="minutes"))
    result = _invoke(workspace, "minutes", "last", "--send")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: the SMTP server 127.0.0.1:{port} does not offer STARTTLS; "
                             "nothing was sent (set smtp.starttls: false only for a server you "
                             "trust on a network you trust)\n")
    assert handler.envelopes == []


def test_the_password_comes_from_the_keyring_when_the_environment_has_none(monkeypatch):
    from smarketing_tui import mailing
    from smarketing_tui.workspace import SmtpSettings

    asked = []
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: asked.append((service, user)) or "from-keyring"
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.delenv("SMARKETING_SMTP_PASSWORD", raising=False)
    smtp = SmtpSettings(host="mail.example.no", sender="m@example.no", username="minutes")
    assert mailing.smtp_password(smtp) == "from-keyring"
    assert asked == [("smarketing-tui", "minutes")]
    monkeypatch.setenv("SMARKETING_SMTP_PASSWORD", "from-env")  # the environment wins
    assert mailing.smtp_password(smtp) == "from-env"
    assert asked == [("smarketing-tui", "minutes")]
    monkeypatch.setitem(sys.modules, "keyring", None)  # not installed: no password
    monkeypatch.delenv("SMARKETING_SMTP_PASSWORD")
    assert mailing.smtp_password(smtp) is None


def test_a_login_without_any_password_is_one_line_exit_1(workspace, meeting, monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)
    _configure(workspace, _smtp(_free_port(), username="minutes"))
    result = _invoke(workspace, "minutes", "last", "--send")
    assert result.exit_code == 1
    assert result.stderr == ("Error: no SMTP password for minutes: set SMARKETING_SMTP_PASSWORD, "
                             "or store it in the system keyring (pip install keyring; keyring "
                             "set smarketing-tui minutes)\n")


# -- the smtp: settings ---------------------------------------------------------------------


def _settings(tmp_path, block: str):
    from smarketing_tui.workspace import load_settings

    path = tmp_path / "smarketing.yaml"
    path.write_text("name: Testfirma AS\n" + block, encoding="utf-8")
    return load_settings(path)


def test_smtp_settings_and_their_defaults(tmp_path):
    from smarketing_tui.workspace import SmtpSettings

    assert _settings(tmp_path, "").smtp is None
    assert _settings(tmp_path, "smtp:\n  host: mail.example.no\n  sender: m@example.no\n").smtp \
        == SmtpSettings(host="mail.example.no", sender="m@example.no", port=587, starttls=True,
                        username=None)
    assert _settings(tmp_path, "smtp:\n  host: h\n  sender: m@example.no\n  port: 25\n"
                               "  starttls: false\n  username: u\n").smtp \
        == SmtpSettings(host="h", sender="m@example.no", port=25, starttls=False, username="u")


@pytest.mark.parametrize("block, message", [
    ("smtp:\n  host: h\n  sender: nobody\n",
     "smarketing.yaml:4:11: smtp.sender 'nobody' is not an e-mail address"),
    ("smtp:\n  host: h\n  sender: m@example.no\n  port: 70000\n",
     "smarketing.yaml:5:9: port 70000 is out of range; expected the SMTP port: a whole number "
     "from 1 to 65535"),
    ("smtp:\n  host: h\n  sender: m@example.no\n  starttls: yes please\n",
     "smarketing.yaml:5:13: smtp.starttls must be true or false (got 'yes please')"),
    ("smtp:\n  hots: h\n  sender: m@example.no\n",
     "smarketing.yaml:3:3: unknown key 'hots' in smtp (did you mean 'host'?)"),
    ("smtp:\n  sender: m@example.no\n", "smarketing.yaml:3:3: smtp is missing required key "
                                        "'host'"),
    ("smtp:\n  host: h\n  sender: m@example.no\n  Password: x\n",
     "smarketing.yaml:5:3: smtp.Password: the SMTP password is never read from smarketing.yaml"),
])
def test_bad_smtp_settings_say_where(tmp_path, block, message):
    from smarketing_tui.errors import InputError

    with pytest.raises(InputError) as caught:
        _settings(tmp_path, block)
    assert str(caught.value).startswith(str(tmp_path / message)), str(caught.value)

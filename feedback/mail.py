"""Outgoing e-mail through the SMTP server of the settings (MAIL_*): one connection per batch."""

from __future__ import annotations

import smtplib
import ssl
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from email_validator import EmailNotValidError, validate_email
from flask import current_app


@dataclass
class BatchResult:
    """What became of each message of a batch, by its index in the batch."""

    #: Accepted by the SMTP server.
    sent: list[int] = field(default_factory=list)
    #: Refused for good (5xx) by the server for this recipient only; the others were still sent.
    refused: list[int] = field(default_factory=list)
    #: Refused for now (4xx: greylisting, full mailbox...); worth sending again later.
    deferred: list[int] = field(default_factory=list)
    #: Why the batch stopped (server unreachable, login refused, connection lost): in French, for the page.
    error: str | None = None


def new_message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from MAIL_FROM; the subject is kept on one line whatever the text given."""
    message = EmailMessage()
    sender = current_app.config["MAIL_FROM"]
    message["From"] = sender
    message["To"] = to
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    # Out-of-office replies are not sent back to an automatic message.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


# Over the complexity limit: one branch per SMTP failure: per address (kept for the next run) or of the server.
def send_batch(  # noqa: C901
    messages: Sequence[EmailMessage], *, after_each: Callable[[int, str], None] | None = None
) -> BatchResult:
    """Send the messages over one SMTP connection; stops at the first failure of the server itself.

    `after_each(index, outcome)` is called as soon as the server answered for a message ("sent", "refused" or
    "deferred"): the caller records it before the next one leaves.
    """
    result = BatchResult()
    if not messages:
        return result
    config = current_app.config
    try:
        connection = _connect()
    except smtplib.SMTPAuthenticationError:
        current_app.logger.exception("SMTP login refused by %s:%s", config["MAIL_SERVER"], config["MAIL_PORT"])
        result.error = "le serveur de messagerie a refusé l'identification (MAIL_USERNAME, MAIL_PASSWORD)"
        return result
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("SMTP server %s:%s unreachable", config["MAIL_SERVER"], config["MAIL_PORT"])
        result.error = f"le serveur de messagerie ({config['MAIL_SERVER']}:{config['MAIL_PORT']}) ne répond pas"
        return result
    try:
        for index, message in enumerate(messages):
            try:
                connection.send_message(message)
            except smtplib.SMTPRecipientsRefused as refusal:
                # This address only: the connection is still good for the next ones.
                codes = [code for code, _ in refusal.recipients.values()]
                current_app.logger.warning("SMTP server refused the recipient of message %s: %s", index, codes)
                outcome = "refused" if all(code >= 500 for code in codes) else "deferred"
            except smtplib.SMTPDataError as refusal:
                if refusal.smtp_code == 421:  # the server is closing the connection: nothing more goes through
                    current_app.logger.warning("SMTP server closed the connection at message %s", index)
                    result.error = "le serveur de messagerie a interrompu l'envoi"
                    break
                current_app.logger.warning("SMTP server refused message %s: %s", index, refusal.smtp_code)
                outcome = "refused" if refusal.smtp_code >= 500 else "deferred"
            except (OSError, smtplib.SMTPException):
                current_app.logger.exception("SMTP batch stopped at message %s", index)
                result.error = "le serveur de messagerie a interrompu l'envoi"
                break
            else:
                outcome = "sent"
            getattr(result, outcome).append(index)
            if after_each is not None:
                after_each(index, outcome)
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return result


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            connection.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        connection.close()
        raise
    return connection


# -- addresses ---------------------------------------------------------------------------------------------------

MAX_LENGTH = 254


def normalise_email(value: str) -> str:
    """The address as stored and sent: checked, ASCII domain, lower-case. Raises ValueError with a French reason."""
    value = unicodedata.normalize("NFC", value).strip()
    if "<" in value or ">" in value:  # "Camille Martin <camille@example.org>", as copied from a mail client
        value = parseaddr(value)[1] or value
    if "@" not in value:
        raise ValueError("il manque le @")
    if len(value) > MAX_LENGTH:
        raise ValueError(f"plus de {MAX_LENGTH} caractères")
    try:
        # No SMTPUTF8: most servers refuse accented local parts, better said now than at sending time.
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        if not value.isascii() and not value.rpartition("@")[0].isascii():
            raise ValueError("les caractères accentués ne sont pas acceptés avant le @") from None
        raise ValueError("adresse e-mail invalide") from None
    return (checked.ascii_email or checked.normalized).lower()

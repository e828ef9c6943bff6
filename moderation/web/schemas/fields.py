"""marshmallow fields for untrusted text from a public form."""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar
from urllib.parse import quote, urlsplit, urlunsplit

from email_validator import EmailNotValidError, validate_email
from marshmallow import ValidationError, fields, validate

# C0/C1 controls except tab and newline: invisible, and PostgreSQL refuses NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What a URL's path, query and fragment keep as is (RFC 3986, less the quote "'"); "%" so
# that what is already encoded stays so.
_URL_SAFE = "/?#[]@!$&()*+,;=:-._~%"
# Bidi embeddings, overrides and isolates: "\u202eredaeR laiciffO" shows as "Official Reader".
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


class Text(fields.String):
    """Trimmed, NFC-normalised text without control characters, length checked after trimming.

    Text that is not empty must show something: a letter, digit, punctuation or symbol
    (zero-width and other format characters alone are invisible). Single-line text (names,
    titles) also loses bidi controls, which could make it read as someone else's.
    """

    def __init__(self, *, min_length: int = 1, max_length: int, multiline: bool = False,
                 **kwargs):
        super().__init__(validate=validate.Length(min=min_length, max=max_length), **kwargs)
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _SURROGATE.search(text):
            raise ValidationError("Contains invalid characters.")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not self.multiline:
            text = " ".join(_BIDI.sub("", text).split())
        text = unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()
        if text and not any(unicodedata.category(char)[0] in "LNPS" for char in text):
            raise ValidationError("Contains no visible characters.")
        return text


class Identifier(fields.String):
    """An id we issued (a site's): refused, not repaired, when it holds characters no id has.

    PostgreSQL refuses NUL and no driver encodes a lone surrogate, so either
    would otherwise reach the database and fail there as a 500.
    """

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _CONTROL.search(text) or _SURROGATE.search(text):
            raise ValidationError("Contains invalid characters.")
        return text


class OptionalMixin:
    """The widget sends empty inputs as ``""``: treat that as not given."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value == "":
            value = None
        return super().deserialize(value, attr, data, **kwargs)


class OptionalText(OptionalMixin, Text):
    pass


class HttpUrl(OptionalMixin, fields.Url):
    """Absolute http(s) URL: ``javascript:`` and ``data:`` never reach a page.

    Stored normalised for whoever templates it later (webhook receivers): no
    ``user:pass@`` (a link that logs in, or hides its real host after the ``@``), and
    anything outside the URL syntax (quotes, ``<``, spaces) percent-encoded.
    """

    default_error_messages: ClassVar[dict] = {
        "userinfo": "Must not contain a user name or password."}

    def __init__(self, *, max_length: int = 2048, **kwargs):
        super().__init__(schemes={"http", "https"}, require_tld=False, allow_none=True,
                         validate=validate.Length(max=max_length), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.strip()
            # The URL pattern accepts any non-ASCII host, lone surrogates included.
            if _CONTROL.search(value) or _SURROGATE.search(value):
                raise self.make_error("invalid")
            value = self._encoded(value)
        return super()._deserialize(value, attr, data, **kwargs)

    def _encoded(self, url: str) -> str:
        try:
            parts = urlsplit(url)
        except ValueError as error:  # e.g. an unclosed "[" of an IPv6 host
            raise self.make_error("invalid") from error
        if "@" in parts.netloc:
            raise self.make_error("userinfo")
        return urlunsplit(parts._replace(path=quote(parts.path, safe=_URL_SAFE),
                                         query=quote(parts.query, safe=_URL_SAFE),
                                         fragment=quote(parts.fragment, safe=_URL_SAFE)))


class EmailAddress(fields.String):
    """Syntax-checked (no DNS) and normalised address. Error messages never echo the value."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) > 254 or _CONTROL.search(text) or _SURROGATE.search(text):
            raise ValidationError("Not a valid email address.")
        try:
            return validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ValidationError("Not a valid email address.") from error

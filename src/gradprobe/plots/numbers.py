"""Numbers drawn on a figure in the reader's language: decimal separator and digit groups from CLDR.

Matplotlib's own formatters choose which ticks to label and how many decimals to show; ``localize``
wraps them so every number they write (tick labels, the offset text, log-axis powers of ten) comes
out in the page language's format: ``0,5`` and ``59 049`` in Russian, ``59.049`` in Turkish and
Portuguese, ``0.5`` and ``59,049`` in English.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, LogFormatterSciNotation, ScalarFormatter

LOCALES = {"pt": "pt_BR"}  # site language code -> CLDR locale, where they differ
# an exponent (^{-3}: left as it is), or a plain number not inside a word
NUMBER = re.compile(r"\^\{[^}]*\}|(?<![\w.])(\d+)(?:\.(\d+))?(?![\w.])")
PLAIN_MATH = re.compile(r"\$\\mathdefault\{([-\u2212]?[\d.]+)\}\$")


def locale_of(language: str) -> Locale:
    """The CLDR locale of a site language code (``en``, ``ru``, ``tr``, ``pt``)."""
    try:
        return Locale.parse(LOCALES.get(language, language))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"no number format for language {language!r}") from None


def format_number(text: str, language: str) -> str:
    """Rewrite every plain number in ``text`` (as matplotlib writes it: ``59049``, ``0.25``) in
    ``language``'s format, keeping its number of decimals.

    In mathtext (``$...$``) a decimal comma is written ``{,}`` and a space group separator ``\\,``,
    so mathtext neither adds the space it puts after punctuation nor drops the no-break space.
    """
    locale = locale_of(language)
    math = "$" in text

    def one(match: re.Match[str]) -> str:
        if match[1] is None:
            return match[0]
        integer, fraction = match[1], match[2] or ""
        pattern = "#,##0" + ("." + "0" * len(fraction) if fraction else "")
        number = format_decimal(Decimal(f"{integer}.{fraction or 0}"), format=pattern, locale=locale)
        return number.replace(",", "{,}").replace("\N{NO-BREAK SPACE}", r"\,") if math else number

    return NUMBER.sub(one, text)


class LocalizedFormatter(Formatter):
    """Any matplotlib formatter, with its output rewritten in a language's number format."""

    def __init__(self, inner: Formatter, language: str) -> None:
        locale_of(language)  # fail here, not at draw time
        self.inner, self.language = inner, language

    def set_axis(self, axis: Any) -> None:  # an Axis, or matplotlib's stand-ins for one
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        self.inner.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = self.inner(x, pos)
        plain = PLAIN_MATH.fullmatch(text)  # a bare number in mathtext is drawn as plain text
        return format_number(plain[1] if plain else text, self.language)

    def format_data_short(self, value: float) -> str:
        return format_number(self.inner.format_data_short(value), self.language)

    def get_offset(self) -> str:
        return format_number(self.inner.get_offset(), self.language)


def localize(fig: Figure, language: str) -> None:
    """Set every axis of ``fig`` (colour bars included) to write its numbers in ``language``'s format.

    Linear axes get a scalar formatter that writes a common factor as a power of ten (x10^6), log
    axes write powers of ten (10^-3). Call it after the axes' scales are set.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for minor in (False, True):
                current = axis.get_minor_formatter() if minor else axis.get_major_formatter()
                if isinstance(current, LocalizedFormatter):
                    continue
                if axis.get_scale() == "log":
                    inner: Formatter = LogFormatterSciNotation(labelOnlyBase=not minor)
                elif minor:
                    continue  # linear axes have no minor labels
                elif isinstance(current, ScalarFormatter):
                    inner = ScalarFormatter(useMathText=True)
                else:
                    continue  # fixed labels (a heatmap's row names) are texts, not numbers
                formatter = LocalizedFormatter(inner, language)
                if minor:
                    axis.set_minor_formatter(formatter)
                else:
                    axis.set_major_formatter(formatter)

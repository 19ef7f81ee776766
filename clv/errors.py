"""Errors raised by the core. Each carries a catalogue key and values, so the app can show it in any
language, while ``str(err)`` reads as a plain English sentence for notebook users."""

from __future__ import annotations

from . import i18n


class InputError(ValueError):
    """An input outside what the formula allows. Names the field, the value given and what is allowed.

    ``allowed`` is a catalogue key (``allowed.*``) describing the allowed range.

    >>> str(InputError("monthly_churn", 5, "allowed.fraction"))
    'monthly_churn must be between 0 and 1 (0.05 means 5%); got 5.'
    """

    def __init__(self, field: str, value: object, allowed: str, **values: object):
        self.field, self.value, self.allowed, self.values = field, value, allowed, values
        super().__init__(self.message("en"))

    def message(self, lang: str = "en", label: str | None = None) -> str:
        """The full sentence in ``lang``; ``label`` replaces the field's code name (e.g. a widget label)."""
        rule = i18n.text(self.allowed, lang, **self.values)
        return i18n.text("errors.input", lang, field=label or self.field, value=_show(self.value), allowed=rule)


class CatalogueError(ValueError):
    """An error whose whole message is one catalogue entry: ``key`` and its ``values``. ``str(err)`` is
    the English sentence; ``message(lang)`` the same in any language."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return i18n.text(self.key, lang, **self.values)


class DataError(CatalogueError):
    """A file or table that cannot be used at all; the message says what to do.

    >>> str(DataError("data.errors.not_table_one_column"))[:33]
    'The file has only one column, so '
    """


class FitError(CatalogueError):
    """A model that cannot be fitted to the data given; the message says what to try."""


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)

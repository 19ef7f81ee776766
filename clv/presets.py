"""Named presets for the calculator, kept as data in ``sample_data/presets.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .core import Assumptions

PRESETS_FILE = Path(__file__).resolve().parents[1] / "sample_data" / "presets.toml"
FORMS = ("subscription", "purchases")


@dataclass(frozen=True, slots=True)
class Preset:
    key: str  # also the catalogue stem: presets.<key>.name
    form: str  # "subscription" (Assumptions fields) or "purchases" (Assumptions.from_purchases)
    values: dict  # clv argument -> value, rates as fractions

    def assumptions(self) -> Assumptions:
        """The preset as ``Assumptions``.

        >>> round(presets()["saas"].assumptions().arpu, 2)
        99.0
        """
        if self.form == "purchases":
            return Assumptions.from_purchases(**self.values)
        return Assumptions(**self.values)


@cache
def presets() -> dict[str, Preset]:
    """All presets by key, in file order."""
    with PRESETS_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    out = {}
    for key, table in raw.items():
        values = dict(table)
        form = values.pop("form")
        if form not in FORMS:
            raise ValueError(f"preset {key}: form must be one of {FORMS}; got {form!r}")
        out[key] = Preset(key, form, values)
    return out

"""One conversion between clv values and widget values: ``Field.to_core`` and its inverse
``Field.from_core``; ``ui.inputs.calc_assumptions`` and its inverse ``ui.inputs.calc_fields``."""

import math

import pytest
from hypothesis import given, strategies as hs

import clv
from clv import predict
from ui import inputs, panels, state
from ui.fields import CALC


@pytest.fixture
def store(monkeypatch):
    """The fields' store as a plain dict (no Streamlit session needed for the conversions)."""
    values = {}
    monkeypatch.setattr(state, "store", lambda: values)
    return values


NUMBER_FIELDS = [f for f in state.fields().values() if f.kind in ("float", "int")]


@given(data=hs.data())
def test_from_core_undoes_to_core_for_every_number_field(data):
    f = data.draw(hs.sampled_from(NUMBER_FIELDS))
    low, high = (f.low if f.low is not None else -1e6), (f.high if f.high is not None else 1e6)
    shown = data.draw(hs.integers(int(math.ceil(low * 100)), int(math.floor(high * 100)))) / 100  # two decimals
    shown = int(round(shown)) if f.kind == "int" else shown
    assert f.from_core(f.to_core(shown)) == shown  # 0 of "no limit" too: None in clv, 0 again


def test_from_core_by_hand():
    churn = state.fields()["calc_churn"]
    assert churn.from_core(0.0845) == 8.45 and 0.0845 * 100 != 8.45  # the noise x 100 leaves is gone
    assert state.fields()["calc_arpu"].from_core(32.38) == 32.38  # not a percent: as it is
    assert state.fields()["calc_horizon"].from_core(None) == 0  # 0 means "no limit"
    assert state.fields()["calc_horizon"].from_core(12.0) == 12 and isinstance(
        state.fields()["calc_horizon"].from_core(12.0), int
    )
    assert state.fields()["sc_c1_reach_range"].from_core((0.25, 0.5)) == (25.0, 50.0)
    assert state.fields()["calc_mode"].from_core("purchases") == "purchases"


assumption_sets = hs.builds(
    dict,
    arpu=hs.integers(0, 100_000).map(lambda c: c / 100),
    gross_margin=hs.integers(0, 1000).map(lambda m: m / 1000),
    monthly_churn=hs.integers(0, 10_000).map(lambda c: c / 10_000),
    cac=hs.integers(0, 100_000).map(lambda c: c / 100),
    annual_discount_rate=hs.integers(0, 1000).map(lambda d: d / 1000),
    horizon_months=hs.none() | hs.integers(1, 600),
    advanced=hs.sampled_from(["constant", "first_month", "curve"]),
    first=hs.integers(0, 1000).map(lambda c: c / 1000),
    curve=hs.tuples(hs.integers(1, 5000), hs.integers(1, 5000)).map(lambda p: (p[0] / 1000, p[1] / 1000)),
    expansion=hs.integers(-500, 500).map(lambda e: e / 10_000),
)


@given(spec=assumption_sets)
def test_calc_fields_is_the_inverse_of_calc_assumptions(spec):
    values = {}
    original = state.store
    state.store = lambda: values  # a plain dict in place of the session's store
    try:
        advanced = spec.pop("advanced")
        first, curve, expansion = spec.pop("first"), spec.pop("curve"), spec.pop("expansion")
        a = clv.Assumptions(
            **spec,
            first_month_churn=first if advanced == "first_month" else None,
            retention_curve=curve if advanced == "curve" else None,
            monthly_expansion=expansion,
        )
        values.update(inputs.calc_fields(a))
        back = panels.with_advanced(inputs.calc_assumptions())
    finally:
        state.store = original
    for name in ("arpu", "gross_margin", "monthly_churn", "cac", "annual_discount_rate", "monthly_expansion"):
        assert getattr(back, name) == pytest.approx(getattr(a, name), abs=1e-12), name
    assert back.horizon_months == a.horizon_months
    assert (
        back.first_month_churn == pytest.approx(a.first_month_churn)
        if a.first_month_churn is not None
        else back.first_month_churn is None
    )
    assert back.retention_curve == a.retention_curve


def test_calc_fields_sets_only_the_named_inputs(store):
    a = clv.Assumptions(
        arpu=32.38, gross_margin=0.8, monthly_churn=0.0845, cac=300, annual_discount_rate=0.1, horizon_months=12
    )
    assert inputs.calc_fields(a, predict.MODEL_FIELDS) == {
        "calc_mode": "subscription",
        "calc_churn_shape": "constant",
        "calc_arpu": 32.38,
        "calc_churn": 8.45,
        "calc_horizon": 12,
        "calc_discount": 10.0,
    }


def test_a_files_baseline_as_the_calculators_widgets():
    # Churn 0.07354 -> 7.4 % (a tenth of a percent, datapage.derived.rounding); the purchases form's retention is
    # that churn's: (1 - 0.074)^12 = 0.3972 -> 39.7 %; money to the cent, orders per year to one decimal.
    b = predict.data_baseline(39.7412, 0.07354, avg_order_value=60.128, orders_per_year=4.56)
    assert inputs.calc_fields(b, b.fields) == {
        "calc_mode": "subscription",
        "calc_churn_shape": "constant",
        "calc_arpu": 39.74,
        "calc_churn": 7.4,
        "calc_aov": 60.13,
        "calc_orders": 4.6,
        "calc_retention": 39.7,
        "calc_life": "retention",
    }
    sub = predict.data_baseline(float("inf"), 0.031)  # a value the data cannot give is passed on, not hidden
    assert inputs.calc_fields(sub, sub.fields) == {
        "calc_mode": "subscription",
        "calc_churn_shape": "constant",
        "calc_arpu": math.inf,
        "calc_churn": 3.1,
    }


def test_preset_values_go_through_the_same_conversion():
    from clv.presets import presets

    for key, p in presets().items():
        shown = panels.preset_widget_values(key)
        by_core = {f.core: f for f in CALC if f.core}
        assert {name: by_core[name].to_core(shown[by_core[name].key]) for name in p.values} == pytest.approx(
            p.values
        ), key

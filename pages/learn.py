"""Learn: short lessons on customer lifetime value with the calculator's numbers, quizzes, a glossary and a
known-truth workshop exercise (simulate a customer base, fit the models, compare with the truth)."""

import pandas as pd
import streamlit as st

import clv
import ui
from clv import fmt, learn, rfm
from clv.charts import learn as charts
from clv.explain import formulas
from clv.simulate import simulate_bgnbd
from ui import cache, state, widgets
from ui.fields import LEARN

LESSON = LEARN[0]

with ui.guard():
    s = ui.page_setup("learn")

    DEFAULT_SEED = 7  # a typical draw: every true parameter inside its 95% interval
    TRUTH_RAN = "learn_truth_ran"  # set when the workshop exercise was first run (ui.state's store)

    def heading(key: str) -> None:
        st.markdown(f"**{s.text(key)}**")

    def quiz(lesson: str) -> None:
        """The lesson's questions: instant feedback with the one-line reason, and the score."""
        heading("learn.quiz_heading")
        answers = {}
        for q in learn.QUIZ[lesson]:
            base = q.catalogue_key
            answers[q.key] = st.radio(
                s.text(f"{base}.question"),
                q.options,
                index=None,
                format_func=lambda o, base=base: s.text(f"{base}.options.{o}"),
                **widgets.kept(f"learn_quiz_{lesson}_{q.key}", None),
            )
            verdict = learn.is_correct(lesson, q.key, answers[q.key])
            if verdict is True:
                st.success(s.md("learn.quiz.right", why=s.text(f"{base}.why")), icon=":material/check_circle:")
            elif verdict is False:
                st.error(s.md("learn.quiz.wrong", why=s.text(f"{base}.why")), icon=":material/cancel:")
        right, answered, total = learn.score(lesson, answers)
        if answered:
            st.caption(s.text("learn.quiz.score", right=right, total=total))

    def worked_example() -> bool:
        """The "worked example" heading; False (with a note) while workshop mode hides the calculator's answers."""
        heading("learn.worked")
        if not SHOW:
            st.caption(s.text("workshop.hidden_learn"))
        return SHOW

    def months_text(value: float | None) -> str:
        return s.text("learn.payback.never") if value is None else fmt.months(value, s.lang, 1, s.digits)

    # ---------------------------------------------------------------------------------------------- set-up
    st.title(s.text("learn.title"))
    st.caption(s.text("learn.intro"))
    try:
        a = ui.inputs.calc_assumptions()
    except clv.InputError as err:
        a = ui.inputs.calc_defaults()
        st.warning(s.text("learn.calc_defaults", error=err.message(s.lang)), icon=":material/info:")
    result = clv.evaluate(a)
    formula = {f.figure: f for f in formulas(result)}
    horizon_text = (
        s.text("learn.horizon_months", months=a.horizon_months) if a.horizon_months else s.text("learn.no_horizon")
    )
    st.info(
        s.md(
            "learn.calc_numbers",
            arpu=s.money(a.arpu),
            margin=fmt.percent(a.gross_margin, 1, s.digits),
            churn=fmt.percent(a.monthly_churn, 1, s.digits),
            cac=s.money(a.cac),
            rate=fmt.percent(a.annual_discount_rate, 1, s.digits),
            horizon=horizon_text,
        ),
        icon=":material/calculate:",
    )

    # Workshop mode: the worked examples carry the calculator's answers, so they wait for the reveal too.
    SHOW = ui.workshop.revealed("learn", repr(a), s.lang)
    # One lesson at a time, chosen in a wrapping row (ten tabs ran off-screen at 1440 px) and kept in the link.
    lesson = widgets.choice(LESSON, s.lang, option_key=lambda k: f"learn.tabs.{k}")

    # ---------------------------------------------------------------------------------------------- what is CLV
    if lesson == "what":
        st.markdown(s.md("learn.what.body"))
        st.latex(r"LTV = \sum_{t=0}^{H-1} \frac{ARPU \times m \times (1 - c)^t}{(1 + d)^t}")
        if worked_example():
            st.latex(formula["ltv"].worked)
            st.markdown(s.md("learn.what.worked", ltv=s.money(result.ltv), cac=s.money(a.cac)))
        heading("learn.play")
        count = st.number_input(
            s.text("learn.what.customers"), 1, 1_000_000, step=10, **widgets.kept("learn_what_customers", 100)
        )
        if SHOW:
            value, cost, net = learn.cohort_totals(result.ltv, a.cac, count)
            st.markdown(
                s.md(
                    "learn.what.cohort",
                    count=fmt.number(count, 0, s.digits),
                    value=s.money(value),
                    cost=s.money(cost),
                    net=s.money(net),
                )
            )
        quiz("what")

    # ---------------------------------------------------------------------------------------------- simple formula
    if lesson == "simple":
        st.markdown(s.md("learn.simple.body"))
        general, _ = learn.simple_formula_latex(0, 0, 0)
        st.latex(general)
        if not worked_example():
            pass
        elif (simple_worked := learn.simple_from_monthly(a.arpu, a.gross_margin, a.monthly_churn)) is not None:
            st.latex(
                learn.simple_formula_latex(simple_worked.annual_revenue, a.gross_margin, simple_worked.lifespan_years)[
                    1
                ]
            )
            st.markdown(
                s.md(
                    "learn.simple.worked",
                    arpu=s.money(a.arpu),
                    annual=s.money(simple_worked.annual_revenue),
                    churn=fmt.percent(a.monthly_churn, 1, s.digits),
                    years=fmt.number(simple_worked.lifespan_years, 2, s.digits),
                    simple=s.money(simple_worked.ltv),
                )
            )
        else:
            st.markdown(s.text("learn.simple.worked_no_churn"))
        heading("learn.play")
        c1, c2, c3, c4, c5 = st.columns(5)
        aov = c1.number_input(s.text("learn.simple.aov"), 0.0, 1e6, step=5.0, **widgets.kept("learn_simple_aov", 60.0))
        orders = c2.number_input(
            s.text("learn.simple.orders"), 0.0, 365.0, step=0.5, **widgets.kept("learn_simple_orders", 4.0)
        )
        margin = widgets.percent(
            c3.number_input, s.text("learn.simple.margin"), 0.0, 100.0, "learn_simple_margin", 0.30, step=1.0
        )
        lifespan = c4.number_input(
            s.text("learn.simple.lifespan"), 0.1, 50.0, step=0.5, **widgets.kept("learn_simple_lifespan", 3.0)
        )
        rate = widgets.percent(
            c5.number_input, s.text("learn.simple.rate"), 0.0, 100.0, "learn_simple_rate", 0.10, step=1.0
        )
        both = learn.simple_vs_discounted(aov, orders, margin, lifespan, rate)
        st.markdown(
            s.md(
                "learn.simple.result",
                simple=s.money(both.simple),
                rate=fmt.percent(rate, 1, s.digits),
                discounted=s.money(both.discounted),
                gap=s.money(both.gap),
            )
        )
        st.caption(s.text("learn.simple.note"))
        quiz("simple")

    # ---------------------------------------------------------------------------------------------- churn and lifetime
    if lesson == "churn":
        st.markdown(s.md("learn.churn.body"))
        general, worked = learn.churn_ltv_latex(a.arpu, a.gross_margin, a.monthly_churn)
        st.latex(general)
        if not worked_example():
            pass
        elif a.monthly_churn > 0:
            st.latex(worked)
            st.markdown(
                s.md(
                    "learn.churn.worked",
                    months=fmt.number(clv.expected_lifetime(a.monthly_churn), 1, s.digits),
                    ltv=s.money(clv.ltv(a.arpu, a.gross_margin, a.monthly_churn)),
                )
            )
        else:
            st.markdown(s.text("learn.churn.worked_no_churn"))
        heading("learn.play")
        c1, c2 = st.columns(2)
        churn = widgets.percent(c1.slider, s.text("learn.churn.churn"), 0.5, 30.0, "learn_churn_churn", 0.05, step=0.5)
        n_terms = c2.slider(s.text("learn.churn.terms"), 1, 120, **widgets.kept("learn_churn_terms", 24))
        terms = learn.geometric_lifetime_terms(churn, n_terms)
        partial, limit, share = learn.lifetime_progress(terms)
        st.markdown(
            s.text(
                "learn.churn.result",
                n=n_terms,
                partial=fmt.number(partial, 1, s.digits),
                limit=fmt.number(limit, 1, s.digits),
                share=fmt.percent(share, 0, s.digits),
            )
        )
        widgets.plot(st, s, charts.geometric_series(terms, s.lang), key="learn_geometric_chart")
        quiz("churn")

    # ---------------------------------------------------------------------------------------------- discounting
    if lesson == "discounting":
        st.markdown(s.md("learn.discounting.body"))
        st.latex(
            r"LTV = ARPU \times m \times \frac{1 + d}{c + d} \qquad LTV_H = ARPU \times m \times \frac{1 - q^H}{1 - q},"
            r"\quad q = \frac{1 - c}{1 + d}"
        )
        if worked_example():
            st.latex(formula["ltv"].worked)
            st.markdown(
                s.md(
                    "learn.discounting.worked",
                    rate=fmt.percent(a.annual_discount_rate, 1, s.digits),
                    horizon=horizon_text,
                    ltv=s.money(result.ltv),
                )
            )
        heading("learn.play")
        c1, c2 = st.columns(2)
        rate = widgets.percent(
            c1.slider, s.text("learn.discounting.rate"), 0.0, 30.0, "learn_disc_rate", 0.10, step=0.5
        )
        horizon = c2.slider(s.text("learn.discounting.horizon"), 1, 120, **widgets.kept("learn_disc_horizon", 36))
        table, plain, discounted = learn.discounting_at(a.arpu, a.gross_margin, a.monthly_churn, rate, horizon)
        st.markdown(
            s.md("learn.discounting.result", months=horizon, plain=s.money(plain), discounted=s.money(discounted))
        )
        widgets.plot(st, s, charts.discounting(table, horizon, s.lang, s.currency), key="learn_discounting_chart")
        quiz("discounting")

    # ---------------------------------------------------------------------------------------------- LTV:CAC
    if lesson == "ltv_cac":
        st.markdown(s.md("learn.ltv_cac.body"))
        st.latex(r"\frac{LTV}{CAC} \geq 3")
        if worked_example():
            st.latex(formula["ltv_to_cac"].worked)
            st.markdown(
                s.text(
                    "learn.ltv_cac.worked",
                    ratio=fmt.ratio(result.ltv_to_cac, digits=s.digits),
                    verdict=widgets.verdict_ltv_to_cac(result.ltv_to_cac, s.lang, s.digits)[0],
                )
            )
        heading("learn.play")
        cac = st.slider(
            s.text("learn.ltv_cac.cac"),
            0.0,
            3000.0,
            step=10.0,
            **widgets.kept("learn_ltvcac_cac", float(min(a.cac, 3000.0))),
        )
        ratio = learn.ratio_at_cac(
            a.arpu, a.gross_margin, a.monthly_churn, cac, a.annual_discount_rate, a.horizon_months
        )
        if SHOW:
            st.markdown(
                s.md(
                    "learn.ltv_cac.result",
                    ltv=s.money(result.ltv),
                    cac=s.money(cac),
                    ratio=fmt.ratio(ratio, digits=s.digits),
                    verdict=widgets.verdict_ltv_to_cac(ratio, s.lang, s.digits)[0],
                    cac_for_rule=s.money(learn.cac_for_rule(result.ltv)),
                )
            )
        quiz("ltv_cac")

    # ---------------------------------------------------------------------------------------------- payback
    if lesson == "payback":
        st.markdown(s.md("learn.payback.body"))
        st.latex(formula["payback"].general + r"\qquad " + formula["payback_adjusted"].general)
        if worked_example():
            st.latex(formula["payback"].worked)
            st.latex(formula["payback_adjusted"].worked)
            st.markdown(
                s.text(
                    "learn.payback.worked",
                    simple=months_text(result.payback_months),
                    adjusted=months_text(result.payback_months_churn_adjusted),
                )
            )
        heading("learn.play")
        churn = widgets.percent(
            st.slider, s.text("learn.payback.churn"), 0.0, 30.0, "learn_payback_churn", a.monthly_churn, step=0.5
        )
        simple, adjusted, threshold = learn.payback_at_churn(
            a.monthly_margin, a.cac, churn, a.annual_discount_rate, a.horizon_months
        )
        if SHOW:
            st.markdown(
                s.text(
                    "learn.payback.result",
                    simple=months_text(simple),
                    adjusted=months_text(adjusted),
                    threshold=fmt.percent(threshold, 1, s.digits) if threshold is not None else fmt.NOT_DEFINED,
                )
            )
        quiz("payback")

    # ---------------------------------------------------------------------------------------------- mixture effect
    if lesson == "mixture":
        st.markdown(s.md("learn.mixture.body"))
        c1, c2, c3 = st.columns(3)
        churn_a = widgets.percent(
            c1.slider, s.text("learn.mixture.churn_a"), 0.5, 50.0, "learn_mix_churn_a", 0.02, step=0.5
        )
        churn_b = widgets.percent(
            c2.slider, s.text("learn.mixture.churn_b"), 0.5, 50.0, "learn_mix_churn_b", 0.20, step=0.5
        )
        share_a = widgets.percent(c3.slider, s.text("learn.mixture.share_a"), 0, 100, "learn_mix_share_a", 0.50, step=5)
        effect = learn.mixture_effect(a.arpu, a.gross_margin, churn_a, churn_b, share_a)
        general, worked = learn.mixture_latex(a.arpu, a.gross_margin, churn_a, churn_b, share_a)
        st.latex(general)
        heading("learn.worked")
        st.latex(worked)
        if effect.ltv_of_average_churn > 0:
            st.markdown(
                s.md(
                    "learn.mixture.worked",
                    right=s.money(effect.average_ltv),
                    average_churn=fmt.percent(effect.average_churn, 1, s.digits),
                    wrong=s.money(effect.ltv_of_average_churn),
                    times=fmt.number(effect.understatement, 2, s.digits),
                )
            )
        m1, m2, m3 = st.columns(3)
        widgets.metric(m1, s.text("learn.mixture.right"), s.money(effect.average_ltv))
        widgets.metric(m2, s.text("learn.mixture.wrong"), s.money(effect.ltv_of_average_churn))
        widgets.metric(m3, s.text("learn.mixture.effective"), fmt.percent(effect.effective_churn, 2, s.digits))
        ch1, ch2 = st.columns(2)
        widgets.plot(ch1, s, charts.mixture_bars(effect, s.lang, s.currency), key="learn_mixture_chart")
        by_month = learn.mixture_churn_by_month(churn_a, churn_b, share_a, learn.MIXTURE_MONTHS)
        widgets.plot(ch2, s, charts.mixture_churn(by_month, s.lang), key="learn_mixture_churn_chart")
        quiz("mixture")

    # ---------------------------------------------------------------------------------------------- RFM
    if lesson == "rfm":
        st.markdown(s.md("learn.rfm.body"))
        st.latex(
            r"\text{score} = 1 + \left\lfloor \frac{5 \times \text{rank}}{n} \right\rfloor,"
            r"\quad \text{rank} = 0, 1, \dots, n - 1 \text{ from worst to best}"
        )
        days = st.slider(s.text("learn.rfm.recency"), 0, 365, **widgets.kept("learn_rfm_days", 3))
        example = learn.rfm_example()
        example.loc["Ana", "recency_days"] = days
        scores = rfm.rfm_scores(example)
        ana = scores.loc["Ana"]
        heading("learn.worked")
        st.markdown(
            s.text(
                "learn.rfm.worked",
                name="Ana",
                r=ana["R"],
                f=ana["F"],
                m=ana["M"],
                code=ana["rfm"],
                segment=rfm.segment_name(ana["segment"], s.lang),
            )
        )
        st.caption(rfm.segment_action(ana["segment"], s.lang))
        shown = pd.DataFrame(
            {
                s.text("learn.rfm.table_customer"): scores.index,
                s.text("learn.rfm.table_recency"): scores["recency_days"].astype(int).to_numpy(),
                s.text("learn.rfm.table_orders"): scores["orders"].to_numpy(),
                s.text("learn.rfm.table_revenue"): [s.money(v) for v in scores["revenue"]],
                "R": scores["R"].to_numpy(),
                "F": scores["F"].to_numpy(),
                "M": scores["M"].to_numpy(),
                s.text("learn.rfm.table_segment"): [rfm.segment_name(x, s.lang) for x in scores["segment"]],
            }
        )
        st.dataframe(shown, hide_index=True, key="learn_rfm_table")
        quiz("rfm")

    # ---------------------------------------------------------------------------------------------- buy till you die
    if lesson == "btyd":
        st.markdown(s.md("learn.btyd.body"))
        st.latex(
            r"\lambda \sim \text{Gamma}(r, \alpha),\quad p \sim \text{Beta}(a, b),\quad "
            r"P(\text{alive at } t) = {}_2F_1\!\left(r, a; a + b; -\tfrac{t}{\alpha}\right)"
        )
        controls, shown_col = st.columns([1, 2], gap="large")
        with controls:
            r = st.slider(s.text("learn.btyd.r"), 0.05, 3.0, step=0.05, **widgets.kept("learn_btyd_r", 0.25))
            alpha = st.slider(s.text("learn.btyd.alpha"), 0.5, 30.0, step=0.5, **widgets.kept("learn_btyd_alpha", 4.0))
            da = st.slider(s.text("learn.btyd.a"), 0.1, 5.0, step=0.1, **widgets.kept("learn_btyd_a", 0.8))
            db = st.slider(s.text("learn.btyd.b"), 0.1, 10.0, step=0.1, **widgets.kept("learn_btyd_b", 2.4))
            n_sim = st.slider(s.text("learn.btyd.customers"), 100, 5000, step=100, **widgets.kept("learn_btyd_n", 1000))
            weeks = st.slider(s.text("learn.btyd.weeks"), 4, 156, step=4, **widgets.kept("learn_btyd_weeks", 52))
            seed = st.number_input(
                s.text("learn.btyd.seed"), 0, 1_000_000, step=1, **widgets.kept("learn_btyd_seed", DEFAULT_SEED)
            )
        sim = simulate_bgnbd(n_sim, r, alpha, da, db, weeks, int(seed))
        with shown_col:
            reading = learn.btyd_reading(r, alpha, da, db, a.monthly_churn)
            st.markdown(
                s.text(
                    "learn.btyd.means",
                    rate=fmt.number(reading.weekly_rate, 3, s.digits),
                    p=fmt.percent(reading.dropout, 1, s.digits),
                )
            )
            heading("learn.worked")
            if reading.status == "none":
                st.markdown(s.text("learn.btyd.worked_none"))
            elif reading.status == "too_high":
                st.markdown(
                    s.text(
                        "learn.btyd.worked_too_high",
                        rate=fmt.number(reading.monthly_rate, 2, s.digits),
                        churn=fmt.percent(a.monthly_churn, 1, s.digits),
                    )
                )
            else:
                st.latex(learn.btyd_latex(reading))
                st.markdown(
                    s.text(
                        "learn.btyd.worked",
                        churn=fmt.percent(a.monthly_churn, 1, s.digits),
                        rate=fmt.number(reading.monthly_rate, 2, s.digits),
                        p=fmt.percent(reading.p, 1, s.digits),
                    )
                )
            widgets.plot(st, s, charts.timelines(sim, s.lang), key="learn_timelines_chart")
            curves = learn.alive_curves(sim, r, alpha, da, db, weeks)
            widgets.plot(
                st,
                s,
                charts.alive_share(curves.weeks, curves.simulated, curves.expected, s.lang),
                key="learn_alive_chart",
            )
            st.caption(s.text("learn.btyd.alive_now", alive=fmt.percent(curves.alive_now, 0, s.digits), weeks=weeks))
        heading("learn.btyd.fit_heading")
        try:
            fit = cache.known_truth(n_sim, r, alpha, da, db, float(weeks), int(seed))
        except clv.FitError as err:
            st.warning(err.message(s.lang), icon=":material/warning:")
            fit = None
        if fit is not None:
            left, right = st.columns(2)
            left.dataframe(
                pd.DataFrame(
                    {
                        s.text("learn.truth.col_param"): fit.comparison["param"],
                        s.text("learn.truth.col_truth"): fit.comparison["truth"],
                        s.text("learn.truth.col_estimate"): fit.comparison["estimate"].round(3),
                        s.text("learn.truth.col_lower"): fit.comparison["lower_95"].round(3),
                        s.text("learn.truth.col_upper"): fit.comparison["upper_95"].round(3),
                        s.text("learn.truth.col_inside"): [
                            s.text("learn.btyd.yes" if x else "learn.btyd.no") for x in fit.comparison["inside"]
                        ],
                    }
                ),
                hide_index=True,
                key="learn_btyd_fit_table",
            )
            head = sim.head(charts.TIMELINE_CUSTOMERS)
            right.caption(s.text("learn.btyd.p_alive_heading"))
            right.dataframe(
                pd.DataFrame(
                    {
                        s.text("learn.btyd.p_alive_customer"): head["customer"] + 1,
                        s.text("learn.btyd.p_alive_purchases"): head["frequency"],
                        s.text("learn.btyd.p_alive_last"): head["recency"].round(1),
                        s.text("learn.btyd.p_alive_truth"): [
                            s.text("learn.btyd.yes" if x else "learn.btyd.no") for x in head["alive"]
                        ],
                        s.text("learn.btyd.p_alive_model"): [
                            fmt.percent(p, 0, s.digits) for p in fit.p_alive[: len(head)]
                        ],
                    }
                ),
                hide_index=True,
                key="learn_btyd_p_alive_table",
            )
        quiz("btyd")

    # ---------------------------------------------------------------------------------------------- known truth
    TRUTH_FIELDS = (
        "learn_truth_n",
        "learn_truth_weeks",
        "learn_truth_seed",
        "learn_truth_r",
        "learn_truth_alpha",
        "learn_truth_a",
        "learn_truth_b",
        "learn_truth_spend",
        "learn_truth_p",
        "learn_truth_q",
        "learn_truth_v",
    )

    @ui.guard.callback
    def run_truth_exercise() -> None:
        """The form's submit: keep its values (form widgets have no on_change) and run the exercise."""
        widgets.keep(*TRUTH_FIELDS)
        state.apply({TRUTH_RAN: True})

    @st.fragment
    @ui.guard()
    def known_truth_exercise() -> None:
        """The workshop: the teacher sets a customer base's parameters; fitting waits for the button."""
        st.markdown(s.text("learn.truth.intro"))
        with st.form("learn_truth_form"):
            heading("learn.truth.form")
            c1, c2, c3 = st.columns(3)
            n = c1.number_input(
                s.text("learn.truth.customers"), 50, 20_000, step=50, **widgets.kept("learn_truth_n", 2000, form=True)
            )
            weeks = c2.number_input(
                s.text("learn.truth.weeks"), 4, 520, step=4, **widgets.kept("learn_truth_weeks", 52, form=True)
            )
            seed = c3.number_input(
                s.text("learn.truth.seed"),
                0,
                1_000_000,
                step=1,
                **widgets.kept("learn_truth_seed", DEFAULT_SEED, form=True),
            )
            c1, c2, c3, c4 = st.columns(4)
            r = c1.number_input(
                s.text("learn.btyd.r"), 0.01, 50.0, step=0.05, **widgets.kept("learn_truth_r", 0.25, form=True)
            )
            alpha = c2.number_input(
                s.text("learn.btyd.alpha"), 0.1, 1000.0, step=0.5, **widgets.kept("learn_truth_alpha", 4.0, form=True)
            )
            da = c3.number_input(
                s.text("learn.btyd.a"), 0.01, 50.0, step=0.1, **widgets.kept("learn_truth_a", 0.8, form=True)
            )
            db = c4.number_input(
                s.text("learn.btyd.b"), 0.01, 50.0, step=0.1, **widgets.kept("learn_truth_b", 2.4, form=True)
            )
            spend_on = st.checkbox(s.text("learn.truth.spend"), **widgets.kept("learn_truth_spend", False, form=True))
            c1, c2, c3 = st.columns(3)
            p = c1.number_input(
                s.text("learn.truth.p"), 0.1, 50.0, step=0.5, **widgets.kept("learn_truth_p", 6.0, form=True)
            )
            q = c2.number_input(
                s.text("learn.truth.q"), 1.1, 50.0, step=0.5, **widgets.kept("learn_truth_q", 4.0, form=True)
            )
            v = c3.number_input(
                s.text("learn.truth.v"), 0.1, 10_000.0, step=1.0, **widgets.kept("learn_truth_v", 30.0, form=True)
            )
            st.form_submit_button(
                s.text("learn.truth.run"), key="learn_truth_run", type="primary", on_click=run_truth_exercise
            )
        if not state.store().get(TRUTH_RAN):
            st.caption(s.text("learn.truth.waiting"))
            return
        spend = (float(p), float(q), float(v)) if spend_on else None
        try:
            kt = cache.known_truth(int(n), float(r), float(alpha), float(da), float(db), float(weeks), int(seed), spend)
        except clv.FitError as err:
            st.warning(err.message(s.lang), icon=":material/warning:")
            return
        st.markdown(
            s.text(
                "learn.truth.summary",
                customers=fmt.number(kt.customers, 0, s.digits),
                weeks=int(weeks),
                repeat=fmt.percent(kt.repeat_share, 0, s.digits),
                frequency=fmt.number(kt.mean_frequency, 2, s.digits),
                alive=fmt.percent(kt.alive_share, 0, s.digits),
            )
        )
        worst = kt.worst
        st.markdown(
            s.text(
                "learn.truth.verdict",
                inside=kt.inside,
                total=len(kt.comparison),
                param=worst["param"],
                model=s.text(f"models.names.{worst['model']}"),
                estimate=fmt.number(worst["estimate"], 3, s.digits),
                truth=fmt.number(worst["truth"], 3, s.digits),
                error=fmt.percent(worst["relative_error"], 0, s.digits),
            )
        )
        c = kt.comparison
        st.dataframe(
            pd.DataFrame(
                {
                    s.text("learn.truth.col_model"): [s.text(f"models.names.{m}") for m in c["model"]],
                    s.text("learn.truth.col_param"): c["param"],
                    s.text("learn.truth.col_truth"): c["truth"],
                    s.text("learn.truth.col_estimate"): c["estimate"].round(3),
                    s.text("learn.truth.col_lower"): c["lower_95"].round(3),
                    s.text("learn.truth.col_upper"): c["upper_95"].round(3),
                    s.text("learn.truth.col_inside"): [
                        s.text("learn.btyd.yes" if x else "learn.btyd.no") for x in c["inside"]
                    ],
                }
            ),
            hide_index=True,
            key="learn_truth_table",
        )
        widgets.plot(st, s, charts.truth_vs_estimate(c, s.lang), key="learn_truth_chart")
        st.caption(s.text("learn.truth.hint"))

    if lesson == "truth":
        known_truth_exercise()

    # ---------------------------------------------------------------------------------------------- glossary
    st.divider()
    st.header(s.text("learn.glossary"), anchor="glossary")
    st.caption(s.text("learn.glossary_intro"))
    for i in range(0, len(learn.GLOSSARY_TERMS), 2):
        for col, term in zip(st.columns(2, gap="large"), learn.GLOSSARY_TERMS[i : i + 2]):
            col.subheader(s.text(f"glossary.{term}.name"), anchor=f"glossary-{term}")
            col.markdown(s.md(f"glossary.{term}.definition"))

    state.write_url()

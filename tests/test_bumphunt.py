"""The bump hunt: the dijet function, the sideband fit on toy spectra drawn from it, the significance, the scan."""

import numpy as np
import pytest
from scipy.integrate import quad

from dijetgen.bumphunt import bin_counts, bump_hunt, dijet_function, fit_sidebands, mjj_edges, significance
from dijetgen.errors import InputError
from dijetgen.plots.search import plot_bump_hunt
from dijetgen.plots.style import save_figure

SIGNAL_REGION, SIDEBANDS, BINS = [3300.0, 3700.0], [2800.0, 4600.0], 36
TRUTH = (1.0, 10.0, 5.0)  # p1, p2 close to a 13 TeV QCD dijet spectrum; p0 only scales it
EFFICIENCIES = [1.0, 0.1, 0.01]


def expected(low: float, high: float, n: float) -> float:
    """Events expected in [low, high) when n are expected over the sidebands' outer range."""
    integral = lambda a, b: quad(dijet_function, a, b, args=TRUTH)[0]  # noqa: E731
    return n * integral(low, high) / integral(*SIDEBANDS)


def dijet_events(n: float, rng: np.random.Generator) -> np.ndarray:
    """Poisson(n) mjj values drawn from the dijet function over the sidebands' range by inverting its CDF
    on a fine grid (independent of the module's own quadrature)."""
    grid = np.linspace(*SIDEBANDS, 20001)
    density = dijet_function(grid, *TRUTH)
    cdf = np.append(0.0, np.cumsum((density[1:] + density[:-1]) / 2))
    return np.interp(rng.uniform(size=rng.poisson(n)), cdf / cdf[-1], grid)


def search_data(seed: int, n_background: float = 40000, n_signal: int = 0):
    """(mjj, scores): dijet background with scores uniform and independent of mjj (no sculpting), plus a
    Gaussian resonance at 3.5 TeV (width 80 GeV) whose scores sit in the top 5 %."""
    rng = np.random.default_rng(seed)
    background = dijet_events(n_background, rng)
    mjj = np.concatenate([background, rng.normal(3500.0, 80.0, n_signal)])
    scores = np.concatenate([rng.uniform(0, 1, len(background)), rng.uniform(0.95, 1, n_signal)])
    return mjj, scores


def test_dijet_function_at_known_points():
    assert dijet_function(6500.0, 2.0, 3.0, 1.0) == pytest.approx(2.0 * 0.5**3 / 0.5)
    assert dijet_function([1300.0], 1.0, 0.0, 2.0) == pytest.approx([100.0])


def test_bin_edges_keep_the_signal_region_on_edges():
    edges = mjj_edges(SIGNAL_REGION, SIDEBANDS, BINS)
    assert edges[0] == SIDEBANDS[0] and edges[-1] == SIDEBANDS[1]
    assert set(SIGNAL_REGION) <= set(edges.tolist())
    assert len(edges) - 1 == pytest.approx(BINS, abs=2)
    assert np.diff(edges).max() / np.diff(edges).min() < 1.2


def test_bin_counts_are_the_integrals_of_the_function():
    edges = mjj_edges(SIGNAL_REGION, SIDEBANDS, BINS)
    exact = [quad(dijet_function, a, b, args=TRUTH)[0] for a, b in zip(edges[:-1], edges[1:])]
    np.testing.assert_allclose(bin_counts(edges, TRUTH), exact, rtol=1e-10)


def test_fit_recovers_a_known_spectrum_with_sane_pulls():
    n = 20000
    truth = expected(*SIGNAL_REGION, n)
    pulls = []
    for seed in range(20):
        fit = fit_sidebands(dijet_events(n, np.random.default_rng(seed)), SIGNAL_REGION, SIDEBANDS, BINS)
        assert fit.valid and fit.ndf == BINS - 8 - 3  # 8 SR bins of 50 GeV masked, 3 parameters
        assert 0.001 < fit.pvalue
        assert abs(fit.predicted - truth) < 3.5 * fit.predicted_error
        pulls.append((fit.predicted - truth) / fit.predicted_error)
    # 20 toys: the mean of unit-normal pulls has error 0.22, their std about 0.16
    assert abs(np.mean(pulls)) < 0.6
    assert 0.6 < np.std(pulls) < 1.4


def test_fit_parameters_and_covariance_describe_the_truth():
    fit = fit_sidebands(dijet_events(50000, np.random.default_rng(7)), SIGNAL_REGION, SIDEBANDS, BINS)
    shape = fit.parameters[1:] - TRUTH[1:]
    assert shape @ np.linalg.solve(fit.covariance[1:, 1:], shape) < 13.8  # chi2 with 2 dof, p = 0.001
    assert np.all(np.linalg.eigvalsh(fit.covariance) > 0)


def test_significance_known_values():
    assert significance(15, 5.0, 0.0) == pytest.approx(np.sqrt(2 * (15 * np.log(3) - 10)))
    assert significance(100, 100.0, 5.0) == 0.0
    # n - b << b: Z -> s / sqrt(b), and s / sqrt(b + sigma^2) with the background's error
    assert significance(1_001_000, 1e6, 0.0) == pytest.approx(1.0, rel=1e-3)
    assert significance(1_001_000, 1e6, 1e3) == pytest.approx(1 / np.sqrt(2), rel=1e-3)
    assert significance(999_000, 1e6, 0.0) == pytest.approx(-1.0, rel=1e-3)
    # a small background error changes little; a large one washes the excess out
    assert significance(30, 10.0, 1e-6) == pytest.approx(significance(30, 10.0, 0.0))
    assert significance(30, 10.0, 10.0) < significance(30, 10.0, 1.0) < significance(30, 10.0, 0.0)
    assert significance(0, 10.0, 1.0) < 0


def test_significance_is_the_li_ma_on_off_formula():
    n, b, sigma = np.array([12.0, 150.0, 2200.0]), np.array([5.0, 120.0, 2016.0]), np.array([1.0, 15.0, 40.0])
    alpha, n_off = sigma**2 / b, b**2 / sigma**2  # the fit as an off measurement: tau = 1 / alpha = b / sigma^2
    li_ma = np.sqrt(
        2 * (n * np.log((1 + alpha) / alpha * n / (n + n_off)) + n_off * np.log((1 + alpha) * n_off / (n + n_off)))
    )
    np.testing.assert_allclose(significance(n, b, sigma), li_ma, rtol=1e-10)


def test_significance_rejects_bad_inputs():
    with pytest.raises(InputError, match="predicted > 0"):
        significance(3, 0.0, 1.0)
    with pytest.raises(InputError, match="predicted_error >= 0"):
        significance(3, 2.0, -1.0)


def test_an_injected_bump_is_found():
    table = bump_hunt(*search_data(1, n_signal=250), [1.0, 0.1, 0.01], SIGNAL_REGION, SIDEBANDS, BINS)
    assert table["fit_valid"].all()
    assert table.loc[1, "significance"] > 3
    assert table["significance"].iloc[1:].min() > table.loc[0, "significance"]  # the cut raises S/B
    assert table.loc[1, "observed"] - table.loc[1, "predicted"] == pytest.approx(250 * 0.95, abs=70)


def test_no_bump_no_significance():
    z = np.concatenate(
        [
            bump_hunt(*search_data(seed), EFFICIENCIES, SIGNAL_REGION, SIDEBANDS, BINS)["significance"]
            for seed in range(8)
        ]
    )
    assert np.mean(np.abs(z) > 2) <= 0.2  # nominal 4.6 %: at most 4 of 24
    assert np.abs(z).max() < 3.5


def test_working_points_cut_all_events_alike():
    mjj, scores = search_data(3)
    table = bump_hunt(mjj, scores, EFFICIENCIES, SIGNAL_REGION, SIDEBANDS, BINS)
    np.testing.assert_allclose(table["selected"] / len(mjj), EFFICIENCIES, rtol=0.01)
    in_sr = (mjj >= SIGNAL_REGION[0]) & (mjj < SIGNAL_REGION[1])
    assert table.loc[2, "observed"] == np.sum(in_sr & (scores >= table.loc[2, "threshold"]))
    assert list(table.columns[:8]) == [
        "efficiency",
        "threshold",
        "selected",
        "observed",
        "predicted",
        "predicted_error",
        "significance",
        "chi2_ndf",
    ]


@pytest.mark.parametrize(
    "mjj, scores, efficiencies, signal_region, match",
    [
        (np.full(100, 5000.0), np.ones(100), [0.1], SIGNAL_REGION, "no events in the sidebands"),
        (*search_data(0, n_background=2000), [0.0], SIGNAL_REGION, r"efficiency 0.0 must be in \(0, 1\]"),
        (*search_data(0, n_background=2000), [1.5], SIGNAL_REGION, r"efficiency 1.5 must be in \(0, 1\]"),
        (*search_data(0, n_background=2000), [0.5], [2000.0, 3000.0], "must lie inside sidebands"),
        (np.full(3, 3000.0), np.array([0.1, np.nan, 0.3]), [0.5], SIGNAL_REGION, "1 events have no finite score"),
    ],
)
def test_bad_inputs_are_one_line_errors(mjj, scores, efficiencies, signal_region, match):
    with pytest.raises(InputError, match=match) as error:
        bump_hunt(mjj, scores, efficiencies, signal_region, SIDEBANDS, BINS)
    assert "\n" not in str(error.value)


def test_a_working_point_too_tight_to_fit_is_a_row_without_prediction(caplog, tmp_path):
    mjj, scores = search_data(0, n_background=2000)
    table = bump_hunt(mjj, scores, [0.1, 1e-3], SIGNAL_REGION, SIDEBANDS, BINS)
    assert table.loc[0, "fit_valid"] and np.isfinite(table.loc[0, "significance"])
    # a few events: fewer filled sideband bins than the fit has parameters
    assert table.loc[1, "selected"] <= 3 and not table.loc[1, "fit_valid"]
    assert table.loc[1, ["predicted", "predicted_error", "significance", "p0"]].isna().all()
    assert "efficiency 0.001" in caplog.text and "the 3-parameter fit needs at least 3" in caplog.text
    save_figure(plot_bump_hunt(mjj, scores, table, SIGNAL_REGION, SIDEBANDS, BINS), str(tmp_path / "b.png"))
    in_sr_only = bump_hunt(np.full(100, 3500.0), np.ones(100), [0.1], SIGNAL_REGION, SIDEBANDS, BINS)
    assert in_sr_only.loc[0, "observed"] == 100 and np.isnan(in_sr_only.loc[0, "predicted"])


def test_bump_hunt_figure(tmp_path):
    mjj, scores = search_data(2, n_signal=250)
    table = bump_hunt(mjj, scores, [0.1, 0.01], SIGNAL_REGION, SIDEBANDS, BINS)
    # PNG only: drawing is the slow part, and save_figure's PDF path is tested with every other figure
    save_figure(
        plot_bump_hunt(mjj, scores, table, SIGNAL_REGION, SIDEBANDS, BINS, process="toy"), str(tmp_path / "b.png")
    )
    assert (tmp_path / "b.png").stat().st_size > 1000

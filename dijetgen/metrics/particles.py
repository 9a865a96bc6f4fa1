"""Particle-level distances (JetNet's w1p, w1m, w1efp, FPD, KPD) with the project's estimators and floors.

Every metric compares generated jets with the test jets, and a second time the train jets with the test jets
at the same number of jets: the floor that a perfect model would reach (as dijetgen.validation does for the
feature table). A W1 ratio is generated / floor, so 1 is perfect whatever the observable::

    metrics = validate_particles(generated, train, test, ValidationSettings(), seed=42)
    summary_row("epicfm", metrics)["w1m_ratio"]

The jets are ParticleJets (dijetgen.constituents): j1 and j2 of each event are two jets. Generated jets are
sampled at the test jets' (pt, eta, m, nconst), so the multiplicity is given to the model (its W1 is 0 but
for the cap) and the jet mass and pT rebuilt from the generated particles test how the particles add up.
Particles are massless, as in the constituent files.
"""

import awkward as ak
import numpy as np
from threadpoolctl import threadpool_limits

from dijetgen.clouds import FIELDS, ParticleJets
from dijetgen.constituents import from_padded
from dijetgen.efp import efps
from dijetgen.metrics.classifier import classifier_auc
from dijetgen.metrics.frechet import fpd
from dijetgen.metrics.kernel import kpd
from dijetgen.metrics.marginals import wasserstein
from dijetgen.nsubjettiness import nsubjettiness

N_TAUS = 5


def rebuilt_jets(jets: ParticleJets) -> dict[str, np.ndarray]:
    """Mass and pT of each jet as the sum of its massless particles (pt_rel * pt, deta + eta, dphi)."""
    pt = np.where(jets.mask, jets.values[..., 0], 0.0) * jets.jets["pt"].to_numpy()[:, None]
    eta = jets.values[..., 1] + jets.jets["eta"].to_numpy()[:, None]
    phi = jets.values[..., 2]
    px, py = (pt * np.cos(phi)).sum(axis=1), (pt * np.sin(phi)).sum(axis=1)
    pz, e = (pt * np.sinh(eta)).sum(axis=1), (pt * np.cosh(eta)).sum(axis=1)
    return {"m": np.sqrt(np.maximum(e**2 - px**2 - py**2 - pz**2, 0.0)), "pt": np.hypot(px, py)}


def substructure(jets: ParticleJets, radius: float = 1.0, beta: float = 1.0) -> np.ndarray:
    """(jets, 20 + 5): the EFPs (dijetgen.efp) and tau1..tau5 of each particle cloud, from its particles alone."""
    pt = np.where(jets.mask, jets.values[..., 0], 0.0)
    records = from_padded(jets.values, jets.mask)
    flat = {name: ak.to_numpy(ak.flatten(records[name])).astype(np.float64) for name in FIELDS}
    px, py = flat["pt_rel"] * np.cos(flat["dphi"]), flat["pt_rel"] * np.sin(flat["dphi"])
    pz, e = flat["pt_rel"] * np.sinh(flat["deta"]), flat["pt_rel"] * np.cosh(flat["deta"])
    counts = ak.to_numpy(ak.num(records))
    four = ak.unflatten(ak.zip({"px": px, "py": py, "pz": pz, "E": e}), counts)
    taus = nsubjettiness(four, radius, beta, n_max=N_TAUS)
    return np.hstack([efps(pt, jets.values[..., 1], jets.values[..., 2]), taus])


def particle_values(jets: ParticleJets) -> np.ndarray:
    """(particles, 3): every real particle's (pt_rel, deta, dphi)."""
    return jets.values[jets.mask].astype(np.float64)


def subset(jets: ParticleJets, n: int, seed: int) -> ParticleJets:
    index = np.sort(np.random.default_rng(seed).choice(len(jets.jets), n, replace=False))
    return ParticleJets(jets.jets.iloc[index].reset_index(drop=True), jets.values[index], jets.mask[index])


def _ratio(generated: tuple[float, float], floor: tuple[float, float]) -> float:
    return generated[0] / floor[0] if floor[0] > 0 else float("nan")


def _w1(a: np.ndarray, b: np.ndarray, settings, seed: int) -> tuple[float, float]:
    return wasserstein(a, b, settings.bootstrap, seed)


def _standardised(reference: np.ndarray, *samples: np.ndarray) -> list[np.ndarray]:
    mean, std = reference.mean(axis=0), reference.std(axis=0)
    std[std == 0] = 1.0
    return [(sample - mean) / std for sample in (reference, *samples)]


def distances(candidate: ParticleJets, test: ParticleJets, settings, seed: int, threads: int) -> dict:
    """Every particle-level distance of `candidate` jets from the `test` jets, each as (value, error)."""
    out = {}
    particles, reference = particle_values(candidate), particle_values(test)
    for k, name in enumerate(FIELDS):
        out[f"w1p_{name}"] = _w1(particles[:, k], reference[:, k], settings, seed)
    rebuilt, rebuilt_test = rebuilt_jets(candidate), rebuilt_jets(test)
    out["w1m"] = _w1(rebuilt["m"], rebuilt_test["m"], settings, seed)
    out["w1pt"] = _w1(rebuilt["pt"], rebuilt_test["pt"], settings, seed)
    out["multiplicity_w1"] = _w1(candidate.mask.sum(axis=1), test.mask.sum(axis=1), settings, seed)
    features, test_features = substructure(candidate), substructure(test)
    n_efp = features.shape[1] - N_TAUS
    for k in range(n_efp):
        out[f"w1efp{k + 1}"] = _w1(features[:, k], test_features[:, k], settings, seed)
    reference_efp, candidate_efp = _standardised(test_features[:, :n_efp], features[:, :n_efp])
    high = min(settings.fpd_max_samples, len(candidate_efp) // 2, len(reference_efp) // 2)
    low = min(settings.fpd_min_samples, high // 2)
    with threadpool_limits(threads):
        out["fpd"] = fpd(reference_efp, candidate_efp, low, high, settings.fpd_points, settings.fpd_batches, seed)
        out["kpd"] = kpd(reference_efp, candidate_efp, settings.kpd_batch_size, settings.kpd_batches, seed)
        out["classifier_auc"] = classifier_auc(features, test_features, settings.classifier_folds, seed, threads)
    return out


def validate_particles(
    generated: ParticleJets, train: ParticleJets, test: ParticleJets, settings, seed: int, threads: int = 1
) -> dict:
    """{metric: {generated: (value, error), floor: (value, error), ratio}} at equal numbers of jets."""
    n = min(len(generated.jets), len(train.jets))
    parts = {"generated": subset(generated, n, seed), "floor": subset(train, n, seed + 1)}
    measured = {part: distances(jets, test, settings, seed, threads) for part, jets in parts.items()}
    return {
        name: {
            "generated": list(measured["generated"][name]),
            "floor": list(measured["floor"][name]),
            "ratio": _ratio(measured["generated"][name], measured["floor"][name]),
        }
        for name in measured["generated"]
    } | {"jets": {"generated": n, "floor": n, "test": len(test.jets)}}


def summary_row(model: str, metrics: dict) -> dict:
    """One row of validation_particles/summary.csv. w1p_ratio and w1efp_ratio average the per-feature ratios
    (JetNet averages the W1s; a ratio is unit-free, so its average weighs each feature alike)."""
    efp_ratios = [value["ratio"] for name, value in metrics.items() if name.startswith("w1efp")]
    row = {
        "model": model,
        "w1m_ratio": metrics["w1m"]["ratio"],
        "w1pt_ratio": metrics["w1pt"]["ratio"],
        "w1p_ratio": float(np.mean([metrics[f"w1p_{name}"]["ratio"] for name in FIELDS])),
        **{f"w1p_{name}_ratio": metrics[f"w1p_{name}"]["ratio"] for name in FIELDS},
        "multiplicity_w1_ratio": metrics["multiplicity_w1"]["ratio"],
        "w1efp_ratio": float(np.mean(efp_ratios)),
    }
    for key in ("fpd", "kpd", "classifier_auc"):
        row[key] = metrics[key]["generated"][0]
        row[f"{key}_error"] = metrics[key]["generated"][1]
        row[f"{key}_floor"] = metrics[key]["floor"][0]
    row["jets"] = metrics["jets"]["generated"]
    return row

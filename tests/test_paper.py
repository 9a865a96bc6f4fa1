"""The paper stage: figure names, LaTeX tables, provenance, the manifest, and reproducible bytes."""

import hashlib
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, TINY, snakemake

from dijetgen.errors import InputError
from dijetgen.labels import process_label
from dijetgen.paper import (
    booktabs,
    csv_table,
    cutflow_table,
    fidelity_table,
    figure_name,
    latex_text,
    manifest,
    number,
    paper_figures,
    paper_stage,
    sample_cutflows,
    with_error,
)
from dijetgen.plots.style import save_figure
from dijetgen.provenance import REQUIREMENTS, git_state, provenance, required_distributions, stage_times

# The smallest config that still has every kind of paper file: one model with latent figures, a signal for
# the anomaly figures and tables. Its events and its model are the shared tiny run's, so its files of them
# must be that run's to the byte.
SMALL = TINY | {"models": {"ae": TINY["models"]["ae"]}, "beta_scan": None}


def test_figure_names_say_stage_model_and_what_is_shown():
    assert figure_name("results/validation/vae/figures/mj1.pdf", "results") == "validation_vae_mj1.pdf"
    assert figure_name("results/validation/figures/w1_ratios.png", "results") == "validation_w1_ratios.png"
    assert figure_name("results/anomaly/flow/sic.pdf", "results") == "anomaly_flow_sic.pdf"
    assert figure_name("results/search/figures/sic_vs_inject.pdf", "results") == "search_sic_vs_inject.pdf"


def test_only_figures_are_gathered_and_a_name_clash_is_an_error():
    figures = paper_figures(
        ["results/validation/a/metrics.json", "results/validation/a/figures/mj1.png"], "p", "results"
    )
    assert figures == {"p/validation_a_mj1.png": "results/validation/a/figures/mj1.png"}
    with pytest.raises(InputError, match="validation_a_b_c.pdf"):
        paper_figures(["results/validation/a_b/figures/c.pdf", "results/validation/a/figures/b_c.pdf"], "p", "results")


def test_a_stage_without_its_table_adds_only_figures():
    outputs = ["results/search/summary.csv", "results/search/figures/sic.pdf"]
    assert paper_stage(outputs, "results/search/summary.csv")["table"] == "results/search/summary.csv"
    assert paper_stage([], "results/anomaly/summary.csv")["table"] is None


def test_latex_escapes_text_but_keeps_math():
    assert latex_text("mj1_cut & 50% R&D") == r"mj1\_cut \& 50\% R\&D"
    assert latex_text(r"$W' \to XY$ at p_T > 1") == r"$W' \to XY$ at p\_T $>$ 1"


@pytest.mark.parametrize(
    "value, error, expected",
    [
        (0.5234, 0.0123, r"$0.523 \pm 0.012$"),
        (11.04, 1.23, r"$11.0 \pm 1.2$"),
        (1.23e-5, 3.1e-6, r"$(1.23 \pm 0.31) \times 10^{-5}$"),
        (0.5, None, "0.500"),
        (float("nan"), 0.1, "--"),
    ],
)
def test_value_with_error_has_two_significant_digits_of_error(value, error, expected):
    assert with_error(value, error) == expected


@pytest.mark.parametrize(
    "value, expected",
    [(1.0005, "1.00"), (11.03, "11.0"), (0.4829, "0.483"), (3500.0, "3500"), (99.96, "100"), (7, "7")],
)
def test_table_numbers_keep_their_trailing_zeros_and_no_exponent_below_1e5(value, expected):
    assert number(value) == expected


def test_booktabs_table_has_its_rules_and_one_row_per_line():
    text = booktabs(["Model", "AUC"], [["ae", "0.7"], ["flow", "0.6"]], "a comment", [("Group", 1)])
    lines = text.splitlines()
    assert lines[0] == "% a comment" and lines[1] == r"\begin{tabular}{lr}"
    assert [r"\toprule", r"\midrule", r"\bottomrule"] == [
        line for line in lines if line in (r"\toprule", r"\midrule", r"\bottomrule")
    ]
    assert r"ae & 0.7 \\" in lines and r"\cmidrule(lr){2-2}" in text


def test_csv_table_keeps_the_chosen_columns(tmp_path):
    path = tmp_path / "summary.csv"
    pd.DataFrame({"model": ["mj1 cut"], "auc": [0.71234], "max_sic": [1.5], "signal_events": [73]}).to_csv(path)
    text = csv_table(str(path), ["model", "auc", "max_sic"], "comment")
    assert r"Model & AUC & max SIC \\" in text and r"mj1 cut & 0.712 & 1.50 \\" in text
    assert "73" not in text


def test_cutflows_add_up_over_shards(tmp_path):
    paths = []
    for shard, (events, selected) in enumerate([(10, 4), (12, 5)]):
        path = tmp_path / "qcd" / f"{shard}.cutflow.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps({"events": events, "fail: x": events - selected, "selected": selected}))
        paths.append(str(path))
    assert sample_cutflows(paths) == {"qcd": {"events": 22, "fail: x": 13, "selected": 9}}


def test_manifest_lists_every_file_but_the_excluded(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures/a.pdf").write_bytes(b"pdf")
    (tmp_path / "timings.json").write_text("{}")
    lines = manifest(str(tmp_path), [str(tmp_path / "timings.json")]).splitlines()
    assert lines == ["path\tsha256", f"figures/a.pdf\t{hashlib.sha256(b'pdf').hexdigest()}"]


def test_the_same_figure_gives_the_same_bytes_without_a_date(tmp_path):
    contents = []
    for run in range(2):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0])
        paths = [str(tmp_path / f"{run}.{ext}") for ext in ("pdf", "png")]
        save_figure(fig, *paths)
        contents.append([open(path, "rb").read() for path in paths])
    assert contents[0] == contents[1]
    assert b"CreationDate" not in contents[0][0] and b"FontFile2" in contents[0][0]  # embedded TrueType


def test_provenance_names_code_versions_seeds_and_inputs(tmp_path):
    data = tmp_path / "events.h5"
    data.write_bytes(b"events")
    samples = {"rnd": {"source": "lhco", "path": str(data), "seed": 3}}
    config = {"seed": 1, "split": {"seed": 2}, "samples": {"rnd": {"source": "lhco", "path": str(data)}}}
    record = provenance(config, samples, git_state(str(ROOT)), [], ["cpu"])
    assert len(record["git"]["commit"]) == 40 and isinstance(record["git"]["dirty"], bool)
    versions = record["versions"]
    # Every requirement, installed or not, and what this process imported beyond them (pytest), without a list.
    assert required_distributions() <= versions.keys() and {"python", "pytest", "pyyaml"} <= versions.keys()
    assert versions["numpy"] == np.__version__ and versions["pyyaml"] == yaml.__version__
    assert list(versions) == ["python", *sorted(set(versions) - {"python"})]
    assert record["seeds"] == {"seed": 1, "split": 2, "samples": {"rnd": 3}}
    assert record["inputs"] == [{"path": str(data), "size": 6, "sha256": hashlib.sha256(b"events").hexdigest()}]
    assert "gpu" not in record["machine"] and record["machine"]["cpu"]
    assert provenance(config, samples, git_state(str(ROOT)), [], ["cpu"]) == record


def test_required_distributions_are_the_normalized_requirement_names():
    names = required_distributions(REQUIREMENTS)
    assert {"torch", "scikit-learn", "pyyaml", "snakemake-executor-plugin-slurm"} <= names
    assert len(names) == sum(1 for line in REQUIREMENTS.read_text().splitlines() if "==" in line)


def test_outside_git_the_commit_is_null(tmp_path):
    assert git_state(str(tmp_path)) == {"commit": None, "dirty": None}


def test_stage_times_per_rule_folder_and_single_job_file(tmp_path):
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    (tmp_path / "train").mkdir()
    for path, seconds in (
        (tmp_path / "train/a.tsv", 2.0),
        (tmp_path / "train/b.tsv", 3.0),
        (tmp_path / "split.tsv", 1.0),
    ):
        path.write_text(header + f"{seconds}\t0\t100\t0\t0\t0\t0\t0\t0\t{seconds / 2}\n")
    times = stage_times(str(tmp_path)).set_index("stage")
    assert times.loc["train", "jobs"] == 2 and times.loc["train", "job_seconds"] == 5.0
    assert times.loc["split", "cpu_seconds"] == 0.5


def test_process_label_names_generator_energy_jets_and_selection():
    config = {
        "seed": 1,
        "shards": 1,
        "samples": {"qcd": {"source": "pythia"}, "rnd": {"source": "lhco", "path": "data/events_rnd.h5"}},
        "clustering": {"algorithm": "antikt", "R": 1.0},
        "selection": {"min_pt": 1200.0, "max_abs_eta": 2.5},
    }
    label = process_label(config, ["qcd"])
    assert label.startswith("Pythia 8 QCD, $\\sqrt{s}$ = 13 TeV\n")
    assert "anti-$k_{T}$ $R = 1.0$" in label and "> 1.2$ TeV" in label
    assert process_label(config, ["rnd"]).startswith("LHCO R&D (events_rnd.h5), $\\sqrt{s}$ = 13 TeV")


@pytest.mark.slow
def test_paper_holds_every_stage_figure_byte_for_byte(tiny_run):
    paper = tiny_run / "results/paper"
    stage_figures = [
        path for stage in ("validation", "anomaly") for path in (tiny_run / "results" / stage).rglob("*.p[dn][fg]")
    ]
    assert len(stage_figures) > 100
    for path in stage_figures:
        copy = paper / "figures" / figure_name(path.relative_to(tiny_run).as_posix(), "results")
        assert copy.read_bytes() == path.read_bytes(), copy
    listed = pd.read_csv(paper / "manifest.tsv", sep="\t")["path"]
    on_disk = sorted(p.relative_to(paper).as_posix() for p in paper.rglob("*") if p.is_file())
    assert sorted(listed) == [p for p in on_disk if p not in ("manifest.tsv", "timings.json")]
    for table in ("fidelity", "anomaly", "cutflow", "samples"):
        text = (paper / f"tables/{table}.tex").read_text()
        assert r"\toprule" in text and r"\bottomrule" in text
    fidelity = (paper / "tables/fidelity.tex").read_text()
    assert all(f"\n{model} &" in fidelity for model in TINY["models"])
    timings = {row["stage"] for row in json.loads((paper / "timings.json").read_text())}
    assert {"ingest", "train", "validate"} <= timings


def manifest_hashes(workdir) -> dict[str, str]:
    lines = (workdir / "results/paper/manifest.tsv").read_text().splitlines()[1:]
    return dict(line.split("\t") for line in lines)


@pytest.mark.slow
def test_a_clean_run_gives_the_shared_runs_files_of_the_same_events_and_model_byte_for_byte(tiny_run, tmp_path):
    # Two runs in two folders: the same generated events, the same model (ae) trained on them, the same seed.
    result = snakemake(tmp_path, SMALL, "paper")
    assert result.returncode == 0, result.stderr[-3000:]
    ours, shared_run = manifest_hashes(tmp_path), manifest_hashes(tiny_run)
    same_inputs = [name for name in ours if "_ae_" in name or name in ("tables/cutflow.tex", "tables/samples.tex")]
    assert len(same_inputs) > 30  # every figure of the model (validation, latent, anomaly) and the data tables
    assert [name for name in same_inputs if ours[name] != shared_run.get(name)] == []
    metrics = "results/validation/ae/metrics.json"  # every number of the model's rows in the paper's tables
    assert (tmp_path / metrics).read_text() == (tiny_run / metrics).read_text()


def test_cutflow_headers_write_pt_and_eta_in_math():
    cutflows = {"qcd": {"events": 10, "fail: no jet with pT > 1200.0 GeV and |eta| < 2.5": 4, "selected": 6}}
    table = cutflow_table(cutflows)
    assert "$p_{T}$" in table and r"$|\eta|$" in table and "pT" not in table


def test_csv_table_shows_a_value_and_its_chosen_error_in_one_cell(tmp_path):
    path = tmp_path / "summary.csv"
    pd.DataFrame({"model": ["flow"], "size": [500], "amplification": [2.345], "amplification_error": [0.21]}).to_csv(
        path
    )
    text = csv_table(str(path), ["model", "size", "amplification", "amplification_error"], "comment")
    assert r"Model & $N$ & Amplification \\" in text and r"flow & 500 & $2.35 \pm 0.21$ \\" in text
    assert "0.21 &" not in csv_table(str(path), ["model", "amplification"], "comment")


def metrics_file(folder, model):
    measurement = {"value": 0.5, "error": 0.01}
    metrics = {
        "model": model,
        "observables": {"mj1": {"w1": {"ratio": {"value": 1.2}}, "ks": {"generated": 0.1, "floor": 0.05}}},
    }
    metrics |= {key: {"generated": measurement, "floor": measurement} for key in ("fpd", "kpd", "classifier_auc")}
    path = folder / f"{model}.json"
    path.write_text(json.dumps(metrics))
    return str(path)


def test_the_fidelity_table_gains_the_spread_over_replicas_only_when_a_model_has_replicas(tmp_path):
    metrics = [metrics_file(tmp_path, model) for model in ("flow", "vae")]
    summary = pd.DataFrame({"model": ["flow", "vae"], "replicas": [1, 1]})
    summary = summary.assign(median_w1_ratio_replica_std=0.1, fpd_replica_std=0.0123, classifier_auc_replica_std=0.02)
    summary.to_csv(tmp_path / "single.csv", index=False)
    assert "Std over replicas" not in fidelity_table(metrics, str(tmp_path / "single.csv"))
    summary.assign(replicas=[3, 1]).to_csv(tmp_path / "replicas.csv", index=False)
    lines = fidelity_table(metrics, str(tmp_path / "replicas.csv")).splitlines()
    assert "Std over replicas" in "\n".join(lines)
    assert next(line for line in lines if line.startswith("flow &")).endswith(r"& 3 & 0.100 & 0.0123 & 0.0200 \\")

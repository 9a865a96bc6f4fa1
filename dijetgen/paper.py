"""A study's paper folder: its figures under names that say what they show, booktabs tables, and a manifest.

The stages' figures are copied as they are (dijetgen.plots.style already draws them for print and writes
them byte-reproducibly), so the paper holds exactly the figures the report shows. Tables are LaTeX
`tabular` environments with booktabs rules, ready for `\\input` inside a `table` float::

    figure_name("results/validation/vae/figures/mj1.pdf", "results")   # "validation_vae_mj1.pdf"
    write_text(fidelity_table(["results/validation/vae/metrics.json"]), "tables/fidelity.tex")
"""

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.errors import InputError
from dijetgen.labels import long_description
from dijetgen.provenance import sha256
from dijetgen.registry import SOURCES

FIGURE_SUFFIXES = (".pdf", ".png")
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"$<$",
    ">": r"$>$",
    "|": r"$|$",
}
# Column headers of the stage tables; other columns keep their names (LaTeX-escaped).
HEADERS = {
    "model": "Model",
    "method": "Method",
    "inject": "Injected signal",
    "auc": "AUC",
    "max_sic": "max SIC",
    "data_vs_template_auc": "Data vs template AUC",
    "s_over_b": "S/B",
    "max_sic_q16": "16%",
    "max_sic_q84": "84%",
    "closure_auc": "Closure AUC",
    "closure_floor": "Closure floor",
    "repeats": "Repeats",
    "repeat": "Repeat",
    "efficiency": "Data kept",
    "observed": "Observed",
    "predicted": "Predicted",
    "predicted_error": "Error",
    "significance": "Z",
    "size": "$N$",
    "training_distance": "$d$(training)",
    "generated_distance": "$d$(generated)",
    "amplification": "Amplification",
    "training_amplification": "Training set's",
}
MISSING = "--"


def paper_stage(outputs: list[str], table: str | None = None, columns: list[str] | None = None) -> dict:
    """A stage's share of the paper: its declared `outputs` (whose PDFs and PNGs become figures) and `table`,
    a summary CSV among them, whose `columns` (all when None) become tables/{stage}.tex.

    A stage that did not make `table` (e.g. anomaly detection without a signal sample) has no table.
    """
    return {"outputs": outputs, "table": table if table in outputs else None, "columns": columns}


def figure_name(path: str, root: str) -> str:
    """A stage's figure path under the study folder `root` as one file name: the stage, the model if any, what
    it shows.

    results/validation/vae/figures/mj1.pdf is validation_vae_mj1.pdf, results/anomaly/figures/roc_all.png
    is anomaly_roc_all.png and results/anomaly/vae/sic.pdf is anomaly_vae_sic.pdf.
    """
    parts = [part for part in Path(path).relative_to(root).parts if part != "figures"]
    return "_".join(parts)


def paper_figures(paths: list[str], folder: str, root: str) -> dict:
    """{folder/figure_name: path} for every PDF and PNG among `paths` (under the study folder `root`); two
    figures with one name are an error."""
    figures = {}
    for path in sorted(path for path in paths if path.endswith(FIGURE_SUFFIXES)):
        target = f"{folder}/{figure_name(path, root)}"
        if target in figures:
            raise InputError(f"{figures[target]} and {path} would both be {target}")
        figures[target] = path
    return figures


def remove_stale_files(folder: str, keep: list[str]) -> list[str]:
    """Delete every file under `folder` that is not in `keep`, and return their paths.

    The paper folder must hold exactly the current config's outputs: a figure of a model that an earlier
    config had, in the same study folder, would otherwise stay and be listed in the manifest.
    """
    kept = {Path(path).resolve() for path in keep}
    stale = [path for path in sorted(Path(folder).rglob("*")) if path.is_file() and path.resolve() not in kept]
    for path in stale:
        path.unlink()
    return [str(path) for path in stale]


def copy_figures(figures: dict) -> None:
    """Copy each figure of paper_figures to its place in the paper, byte for byte."""
    for target, path in figures.items():
        write_atomic(lambda tmp, path=path: shutil.copyfile(path, tmp), target)


def latex_text(text: str) -> str:
    """`text` with LaTeX's special characters escaped outside $...$ math, which is kept as it is."""
    pieces = str(text).split("$")
    for i in range(0, len(pieces), 2):  # even pieces lie outside math
        pieces[i] = "".join(LATEX_SPECIALS.get(char, char) for char in pieces[i])
    return "$".join(pieces)


def missing(value) -> bool:
    return value is None or (isinstance(value, float | np.floating) and not math.isfinite(value))


def number(value, digits: int = 3) -> str:
    """A table cell: an integer as it is, a float to `digits` significant digits, times 10^n when tiny or huge.

    Trailing zeros stay (1.00, 11.0), so a column reads with one precision; from 10^(digits-1) up a float is
    rounded to a whole number (3500, not Python's 3.5e+03).
    """
    if missing(value):
        return MISSING
    if isinstance(value, int | np.integer):
        return f"{value:d}"
    if value != 0 and not 1e-3 <= abs(value) < 1e5:
        exponent = math.floor(math.log10(abs(value)))
        return f"${value / 10**exponent:.{digits - 1}f} \\times 10^{{{exponent}}}$"
    rounded = float(f"{value:.{digits}g}")  # 99.96 -> 100.0, which then prints as a whole number
    if abs(rounded) >= 10 ** (digits - 1):
        return f"{rounded:.0f}"
    return f"{rounded:#.{digits}g}"


def with_error(value, error) -> str:
    """value ± error, with the error to two significant digits and the value to the same decimal place."""
    if missing(value):
        return MISSING
    if missing(error) or error <= 0:
        return number(value)
    exponent = math.floor(math.log10(max(abs(value), error)))
    scale = 10**exponent if not -3 <= exponent < 5 else 1
    decimals = max(0, 1 - math.floor(math.log10(error / scale)))
    body = f"{value / scale:.{decimals}f} \\pm {error / scale:.{decimals}f}"
    return f"$({body}) \\times 10^{{{exponent}}}$" if scale != 1 else f"${body}$"


def booktabs(header: list[str], rows: list[list[str]], comment: str, groups: list[tuple[str, int]] = ()) -> str:
    """A tabular with booktabs rules: first column left-aligned, the rest right; cells are LaTeX already.

    `groups` puts spanning headers with \\cmidrule above `header`: (title, number of columns), the first
    column excluded. `comment` opens the file as % lines that say what the table holds.
    """
    lines = [f"% {line}" for line in comment.splitlines()]
    lines += [f"\\begin{{tabular}}{{l{'r' * (len(header) - 1)}}}", "\\toprule"]
    if groups:
        cells, rules, start = [""], [], 2
        for title, width in groups:
            cells.append(f"\\multicolumn{{{width}}}{{c}}{{{title}}}")
            rules.append(f"\\cmidrule(lr){{{start}-{start + width - 1}}}")
            start += width
        lines += [" & ".join(cells) + r" \\", " ".join(rules)]
    lines += [" & ".join(header) + r" \\", "\\midrule"]
    lines += [" & ".join(row) + r" \\" for row in rows]
    lines += ["\\bottomrule", "\\end{tabular}", ""]
    return "\n".join(lines)


def read_json(path: str) -> dict:
    with open(path) as file:
        return json.load(file)


def fidelity_table(metrics_paths: list[str], summary_path: str | None = None) -> str:
    """One row per model: median W1 ratio, median KS, FPD, KPD and classifier AUC, each beside its floor; and
    when some model has replicas, the standard deviations over its replicas from `summary_path` (summary.csv)."""
    summary = pd.read_csv(summary_path).set_index("model") if summary_path else None
    spreads = summary is not None and "replicas" in summary and (summary["replicas"] > 1).any()
    rows = []
    for path in metrics_paths:
        metrics = read_json(path)
        observables = metrics["observables"].values()
        w1 = [obs["w1"]["ratio"]["value"] for obs in observables]
        ks = {part: float(np.median([obs["ks"][part] for obs in observables])) for part in ("generated", "floor")}
        row = [latex_text(metrics["model"]), number(float(np.nanmedian(np.array(w1, dtype=float))))]
        row += [number(ks["generated"]), number(ks["floor"])]
        for key in ("fpd", "kpd", "classifier_auc"):
            row += [
                with_error(metrics[key][part]["value"], metrics[key][part]["error"]) for part in ("generated", "floor")
            ]
        if spreads:
            model = summary.loc[metrics["model"]]
            row += [number(int(model["replicas"]))]
            row += [number(model[f"{key}_replica_std"]) for key in ("median_w1_ratio", "fpd", "classifier_auc")]
        rows.append(row)
    header = ["Model", "median", "model", "floor"] + ["model", "floor"] * 3
    groups = [(r"$W_1$ ratio", 1), ("KS (median)", 2), ("FPD", 2), ("KPD", 2), ("Classifier AUC", 2)]
    comment = (
        "Fidelity of each model's samples to the test split; 'floor' is the same metric for the train split\n"
        "against the test split at equal size. W1 ratio = W1(model, test) / W1(train, test), median over all\n"
        "observables (floor 1). KS: median over observables. FPD, KPD: standardised features, with errors."
    )
    if spreads:
        header += ["replicas", r"$W_1$ ratio", "FPD", "AUC"]
        groups += [("Std over replicas", 4)]
        comment += (
            "\nA model with replicas is their ensemble (events drawn evenly from every replica); the last\n"
            "columns give the standard deviation over its replicas of the median W1 ratio, FPD and classifier AUC."
        )
    return booktabs(header, rows, comment, groups)


def csv_table(path: str, columns: list[str] | None, comment: str) -> str:
    """A stage's summary CSV as a table: `columns` (all when None), numbers to three significant digits; a
    column X with X_error among the columns too shows as one cell, X ± error."""
    table = pd.read_csv(path)
    columns = columns or list(table.columns)
    shown = [column for column in columns if not (column.endswith("_error") and column[: -len("_error")] in columns)]
    header = [latex_text(HEADERS.get(column, column)) for column in shown]
    rows = []
    for record in table[columns].itertuples(index=False):
        values, row = dict(zip(columns, record)), []
        for column in shown:
            value = values[column]
            if f"{column}_error" in columns:
                row.append(with_error(value, values[f"{column}_error"]))
            else:
                row.append(number(value) if isinstance(value, int | float | np.number) else latex_text(value))
        rows.append(row)
    return booktabs(header, rows, comment)


def sample_cutflows(cutflow_paths: list[str]) -> dict:
    """{sample: summed cut flow} from the cluster stage's per-shard files results/jets/{sample}/{shard}.cutflow.json.

    Each cut flow is `events`, then one `fail: ...` count per cut in order, then `selected`.
    """
    totals = {}
    for path in cutflow_paths:
        total = totals.setdefault(Path(path).parent.name, {})
        for key, count in read_json(path).items():
            total[key] = total.get(key, 0) + count
    return totals


def cut_label(cut: str) -> str:
    """A cut flow key (dijetgen.jets) as a table header, with pT and |eta| in math."""
    text = cut.removeprefix("fail: ").replace("pT", "$p_{T}$").replace("|eta|", "$|\\eta|$")
    return latex_text(text)


def cutflow_table(cutflows: dict) -> str:
    """One row per sample: events, how many each cut removed, events selected and the selection efficiency."""
    cuts = list(next(iter(cutflows.values())))
    header = ["Sample"] + [cut_label(cut) for cut in cuts] + ["Efficiency"]
    header = [cell.replace("events", "Events").replace("selected", "Selected") for cell in header]
    rows = []
    for name, cutflow in cutflows.items():
        efficiency = cutflow["selected"] / cutflow["events"] if cutflow["events"] else math.nan
        rows.append([latex_text(name)] + [number(cutflow[cut]) for cut in cuts] + [number(efficiency)])
    comment = "Cut flow per sample, summed over shards: the events each cut removes, in order."
    return booktabs(header, rows, comment)


def samples_table(samples: dict, cutflows: dict) -> str:
    """One row per sample: its source, events generated or read, events selected, and its seed (Pythia)."""
    rows = [
        [
            latex_text(name),
            latex_text(long_description(sample)),
            number(cutflows[name]["events"]),
            number(cutflows[name]["selected"]),
            number(sample["seed"]) if SOURCES[sample["source"]].generator else MISSING,
        ]
        for name, sample in samples.items()
    ]
    comment = "The samples: source, events generated or read, events that pass the selection, generator seed."
    return booktabs(["Sample", "Source", "Events", "Selected", "Seed"], rows, comment)


def write_text(text: str, path: str) -> None:
    def write(tmp):
        with open(tmp, "w") as file:
            file.write(text)

    write_atomic(write, path)


def manifest(folder: str, excluded: list[str]) -> str:
    """`path<TAB>sha256` of every file under `folder` (paths relative to it, sorted), except `excluded`."""
    files = sorted(path for path in Path(folder).rglob("*") if path.is_file())
    skip = {Path(path).resolve() for path in excluded}
    lines = ["path\tsha256"]
    lines += [f"{path.relative_to(folder).as_posix()}\t{sha256(path)}" for path in files if path.resolve() not in skip]
    return "\n".join(lines) + "\n"

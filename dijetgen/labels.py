"""What a study is, in words read from its config: the figures' process label and the samples table's sources.

The strings use `$...$` math, which matplotlib draws and LaTeX reads as it is::

    process_label(config, ["qcd", "wprime"])
    # "Pythia 8 QCD + $W' \\to XY$, $\\sqrt{s}$ = 13 TeV"
    # "\\nanti-$k_{T}$ $R = 1.0$, $p_{T}^{j} > 1.2$ TeV, $|\\eta^{j}| < 2.5$"
"""

import os

from dijetgen.config import sample_settings
from dijetgen.registry import SOURCES

ALGORITHMS = {"antikt": r"anti-$k_{T}$", "kt": r"$k_{T}$", "cambridge": "C/A"}


def origin(sample: dict) -> tuple[str, str]:
    """(generator or file format, process or file): ("Pythia 8", "QCD"), ("ROOT Delphes", "(events.root)")."""
    source = SOURCES[sample["source"]]
    if source.generator:
        return "Pythia 8", "QCD" if sample["process"] == "qcd" else r"$W' \to XY$"
    tree = f" {sample['tree']}" if "tree" in sample else ""
    return f"{source.file_format}{tree}", f"({os.path.basename(sample['path'])})"


def energy(samples: list[dict]) -> str:
    """ ", √s = 13 TeV" when every sample is known to be at that energy; files of unknown origin say nothing."""
    energies = {SOURCES[sample["source"]].energy_tev for sample in samples}
    return f", $\\sqrt{{s}}$ = {energies.pop()} TeV" if len(energies) == 1 and None not in energies else ""


def long_description(sample: dict) -> str:
    """A sample's origin, energy and the generator settings that shape it, for the samples table."""
    text = " ".join(origin(sample)) + energy([sample])
    if sample["source"] != "pythia":
        return text
    if sample["process"] == "qcd":
        return f"{text}, $\\hat{{p}}_T > {sample['pthat_min']:g}$ GeV"
    masses = sample["masses"]
    return f"{text}, $m_{{W'}} = {masses['wprime']:g}$, $m_X = {masses['x']:g}$, $m_Y = {masses['y']:g}$ GeV"


def process_label(config: dict, samples: list[str]) -> str:
    """The samples' processes (grouped by generator) and energy on one line, jets and selection on the next."""
    settings = [sample_settings(config, name) for name in samples]
    processes = {}
    for sample in settings:
        generator, process = origin(sample)
        processes.setdefault(generator, {})[process] = None  # a dict keeps the order, once each
    text = " + ".join(f"{generator} {' + '.join(names)}" for generator, names in processes.items())
    clustering, selection = config["clustering"], config["selection"]
    jets = (
        f"{ALGORITHMS[clustering['algorithm']]} $R = {clustering['R']}$, "
        f"$p_{{T}}^{{j}} > {selection['min_pt'] / 1000:g}$ TeV, $|\\eta^{{j}}| < {selection['max_abs_eta']:g}$"
    )
    return text + energy(settings) + "\n" + jets

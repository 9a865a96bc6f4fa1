"""How much of the selected QCD phase space a Pythia pTHatMin cut removes, and what a lower cut costs.

`python -m benchmarks.bench_pthat [events_per_slice]`

QCD is generated in slices of pT-hat (PhaseSpace:pTHatMin/pTHatMax), each with its own cross section, and put
through the pipeline's own clustering and selection (anti-kT R = 1.0, a jet with pT > 1200 GeV and |eta| < 2.5,
two jets). Summing sigma x efficiency over the slices above a cut gives, for each candidate pTHatMin:
- the fraction of the selected cross section that the cut loses (what the models would never see);
- the selection efficiency, i.e. how many events must be generated per selected event;
- the generation plus clustering time per selected event, measured here.
"""

import sys
import time

import numpy as np

from dijetgen.clustering import cluster
from dijetgen.events import cartesian_to_collider, make_events
from dijetgen.jets import select_dijets
from dijetgen.sources.pythia import make_pythia, visible_final_state

EDGES = (500.0, 600.0, 700.0, 800.0, 900.0, 1000.0, None)
CLUSTERING = {"algorithm": "antikt", "radius": 1.0, "min_jet_pt": 20.0}
SELECTION = {"min_pt": 1200.0, "max_abs_eta": 2.5}


def run_slice(low: float, high: float | None, n_events: int, seed: int) -> dict:
    """Cross section, selected events and seconds per event of one pT-hat slice."""
    settings = ["HardQCD:all = on", f"PhaseSpace:pTHatMin = {low}"]
    settings += [f"PhaseSpace:pTHatMax = {high}"] if high else []
    pythia = make_pythia(settings, seed, f"slice {low}-{high}")
    start = time.perf_counter()
    selected = 0
    for first in range(0, n_events, 2000):
        prt = visible_final_state(pythia.nextBatch(min(2000, n_events - first), "skip"))
        pt, eta, phi, _ = cartesian_to_collider(prt.p.px, prt.p.py, prt.p.pz, prt.p.e)
        events = make_events(pt, eta, phi, prt.m, event=np.arange(len(pt)), label=np.zeros(len(pt), int))
        jets = cluster(events.particles, **CLUSTERING)
        selected += select_dijets(jets, **SELECTION)[1]["selected"]
    seconds = time.perf_counter() - start
    info = pythia.infoPython()
    generated = info.nAccepted()
    return {"sigma": info.sigmaGen(), "generated": generated, "selected": selected, "seconds": seconds / generated}


def main(events_per_slice: int = 6000) -> None:
    slices = [run_slice(lo, hi, events_per_slice, seed=11 + i) for i, (lo, hi) in enumerate(zip(EDGES, EDGES[1:]))]
    selected_sigma = np.array([s["sigma"] * s["selected"] / s["generated"] for s in slices])
    print(f"{events_per_slice} events per pT-hat slice; selection: {SELECTION}, anti-kT R = {CLUSTERING['radius']}")
    print("slice [GeV]   sigma [pb]  selected/generated  s/event")
    for (lo, hi), s in zip(zip(EDGES, EDGES[1:]), slices):
        counts = f"{s['selected']:5d}/{s['generated']:5d}"
        print(f"{lo:5.0f}-{hi or 'inf':>5}  {s['sigma'] * 1e9:10.1f}  {counts:>18}  {s['seconds']:.4f}")
    print("pTHatMin  lost fraction of selected  (+- stat)  efficiency  generated per selected  s per selected")
    for i, low in enumerate(EDGES[:-1]):
        kept = selected_sigma[i:].sum()
        # Relative to what pT-hat > 500 GeV selects; the table of slices shows how little the lowest adds.
        lost = selected_sigma[:i].sum() / selected_sigma.sum()
        lost_err = np.sqrt(
            sum((selected_sigma[j] / selected_sigma.sum()) ** 2 / max(slices[j]["selected"], 1) for j in range(i))
        )
        sigma_above = sum(s["sigma"] for s in slices[i:])
        efficiency = kept / sigma_above
        seconds = sum(s["sigma"] * s["seconds"] for s in slices[i:]) / sigma_above / efficiency
        print(f"{low:8.0f}  {lost:25.4f}  {lost_err:9.4f}  {efficiency:10.4f}  {1 / efficiency:21.1f}  {seconds:14.4f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))

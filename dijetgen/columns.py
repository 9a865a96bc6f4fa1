"""The feature table's columns: the file contract that every stage and the config check share.

This module imports nothing heavy, so the workflow can check `features:` when it is parsed.
"""

JET_COLUMNS = ("px", "py", "pz", "m", "tau1", "tau2", "tau3")
BOOKKEEPING_COLUMNS = ["event", "sample", "label"]  # carried by every row; not something a model learns


def jet_columns(jet: str) -> list[str]:
    """LHCO-v2 column names of one jet, e.g. pxj1 ... tau3j1."""
    return [f"{name}{jet}" for name in JET_COLUMNS]


FEATURE_COLUMNS = (
    BOOKKEEPING_COLUMNS
    + jet_columns("j1")
    + jet_columns("j2")
    + ["ptj1", "etaj1", "phij1", "ptj2", "etaj2", "phij2", "mjj"]
    + ["tau21j1", "tau21j2", "tau32j1", "tau32j2", "deltaetajj", "dphijj"]
)
MODEL_COLUMNS = FEATURE_COLUMNS[len(BOOKKEEPING_COLUMNS) :]
# With `constituents:`, the cluster stage adds per jet its multiplicity (all particles, before the cap), tau4,
# tau5 and the energy flow polynomials of its stored constituents: every connected multigraph with d <= 4
# edges, EFP_COUNT of them (dijetgen.efp.EFP_GRAPHS lists them in column order).
EFP_COUNT = 20
# The columns a particle model reads each jet's (pt, eta, mass, multiplicity) from; a jet-level model whose
# events it dresses with particles (`from_model`) must generate them.
GENERATED_JET_COLUMNS = ("ptj1", "etaj1", "mj1", "nconst_j1", "ptj2", "etaj2", "mj2", "nconst_j2")


def efp_names(jet: str) -> list[str]:
    """Feature-table column names of one jet's EFPs: efp1j1 ... efp20j1."""
    return [f"efp{k}{jet}" for k in range(1, EFP_COUNT + 1)]


CONSTITUENT_COLUMNS = (
    ["nconst_j1", "nconst_j2", "tau4j1", "tau5j1", "tau4j2", "tau5j2"] + efp_names("j1") + efp_names("j2")
)


# The particle-level validation figures of each particle model (dijetgen.plots.particles draws them).
PARTICLE_FIGURES = ["pt_rel", "deta", "dphi", "mass_from_particles", "multiplicity", "jet_image"]


def model_columns(config: dict) -> list[str]:
    """The feature-table columns a model may learn in this config: the constituent columns with `constituents:`."""
    return MODEL_COLUMNS + (CONSTITUENT_COLUMNS if config.get("constituents") else [])


# The resonant search's features, built from the table with the jets ordered by mass instead of pT
# (CATHODE's): the lighter jet's mass, m_heavy - m_light, and the two jets' tau21 in that order.
SEARCH_COLUMNS = ["mjlight", "deltamj", "tau21jlight", "tau21jheavy"]
# The search's classifier methods, which name its score files and summary rows (model names may not).
# template and idealized classify SR data against a background estimate, supervised signal against
# background, cwola (CWoLa hunting) SR data against sideband data.
CLASSIFIER_METHODS = ("template", "idealized", "supervised", "cwola")
# The search's density-ratio method: ANODE, log p_SR(x|m) - log p_SB(x|m) from two conditional densities.
DENSITY_METHODS = ("anode",)

# What each column is fixes how dijetgen.preprocessing maps it onto the real line, so that every generated
# value stays where real ones can be:
# - positive quantities (masses, momenta, mjj, Δm_J, |Δη|, N-subjettiness, multiplicities, EFPs) have a lower
#   bound, 0 or (ptj1, the leading jet) the selection's min_pt, and a long upper tail;
# - ratios (τ21, τ32, and ptj2 as its fraction of ptj1) and the search's mass features are bounded on both
#   sides by the training data's range.
#   A τ ratio has no upper bound of 1: with exclusive-kT axes τ_N can exceed τ_(N-1) (τ21 up to 1.47 in 2.4k
#   Pythia QCD events), so its bounds come from the data;
# - angles and signed momenta stay linear. eta too: the selection asks for one jet within |eta| < max_abs_eta,
#   not both, so a jet's eta has no bound of its own.
POSITIVE, BOUNDED, LINEAR = "positive", "bounded", "linear"
POSITIVE_COLUMNS = frozenset(
    ["mj1", "mj2", "ptj1", "ptj2", "mjj", "deltaetajj"]
    + [f"tau{n}{jet}" for n in (1, 2, 3, 4, 5) for jet in ("j1", "j2")]
    + CONSTITUENT_COLUMNS
)
# The search's mass features join the ratios, as in CATHODE (a logit of every feature's min-max-scaled
# training range): a template event beyond the sidebands' range is one a classifier tells from data for free.
RATIO_COLUMNS = frozenset(
    ["tau21j1", "tau21j2", "tau32j1", "tau32j2", "tau21jlight", "tau21jheavy", "mjlight", "deltamj"]
)
# A column modelled as its fraction of another: j1 is the leading jet, so ptj2 / ptj1 is in [0, 1].
FRACTION_OF = {"ptj2": "ptj1"}


def column_support(name: str, selection: dict | None = None) -> tuple[str, float | None, float | None]:
    """(kind, lower, upper): how a model column is bounded (POSITIVE, BOUNDED or LINEAR) and its physical range,
    None where unbounded (a FRACTION_OF column modelled as a fraction is BOUNDED in [0, 1]). With the event
    selection, ptj1 is above its min_pt: every selected event has a jet that hard, and j1 is the hardest."""
    if name == "ptj1" and selection is not None:
        return POSITIVE, float(selection["min_pt"]), None
    if name in RATIO_COLUMNS:
        return BOUNDED, 0.0, None
    if name in POSITIVE_COLUMNS:
        return POSITIVE, 0.0, None
    return LINEAR, None, None


# What dijetgen.observables rebuilds the dijet observables from, and what it derives; here, without vector,
# so the workflow can name each model's validation outputs when it is parsed.
DIJET_INPUT_COLUMNS = ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "mj2", "dphijj"]
DERIVED = ["mjj", "ptjj", "deltaetajj", "deltaphijj"]


def derived_names(features: list[str]) -> list[str]:
    """The derived observables computable from `features`, minus any that are features themselves."""
    if not set(DIJET_INPUT_COLUMNS) <= set(features):
        return []
    return [name for name in DERIVED if name not in features]


def observable_names(features: list[str]) -> list[str]:
    """Every observable that validation compares: the features, then the derived observables."""
    return list(features) + derived_names(features)

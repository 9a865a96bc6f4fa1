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
# The resonant search's features, built from the table with the jets ordered by mass instead of pT
# (CATHODE's): the lighter jet's mass, m_heavy - m_light, and the two jets' tau21 in that order.
SEARCH_COLUMNS = ["mjlight", "deltamj", "tau21jlight", "tau21jheavy"]
# The search's classifier methods, which name its score files and summary rows (model names may not).
# template and idealized classify data against a background estimate, supervised signal against background.
CLASSIFIER_METHODS = ("template", "idealized", "supervised")

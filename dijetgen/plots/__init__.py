"""Figures of the validation and anomaly-detection stages; each function returns a matplotlib Figure.

Save one with `style.save_figure(fig, "x.png", "x.pdf")`: PNG for the report, PDF for papers. Importing
any module here selects the Agg backend first (figures only go to files, often on machines without a
display); dijetgen.plots.style, which every figure module imports, holds the look.
"""

import matplotlib

matplotlib.use("Agg")

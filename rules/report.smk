# The front page of `snakemake --report results/report.html`, and the helpers that flag figures for it.
# validate.smk, anomaly.smk and paper.smk use them, so this file is included before those.
report: "../report/workflow.rst"


def for_report(path, caption, category, subcategory=None, **labels):
    """`path` (a figure's PNG, or a table) flagged for the report, with its caption from report/{caption}.rst."""
    return report(
        path, caption=f"../report/{caption}.rst", category=category, subcategory=subcategory, labels=labels
    )


def model_figure(name, caption, subcategory, **labels):
    """A per-model validation figure's PNG (its PDF is a plain output): one report category per model."""
    return for_report(
        results(f"validation/{{model}}/figures/{name}.png"),
        caption,
        "{model}",
        subcategory,
        model="{model}",
        figure=name,
        **labels,
    )


PAPER = results("paper")


def paper_table(name, caption):
    """A LaTeX table of the paper stage, shown in the report's Paper category."""
    return for_report(f"{PAPER}/tables/{name}.tex", caption, "Paper", "Tables", table=name)


def anomaly_outputs(name, category):
    """roc.csv, auc.json and the ROC and SIC figures (PNG for the report, and PDF) of one anomaly score."""
    folder = results(f"anomaly/{name}")
    outputs = {"roc": f"{folder}/roc.csv", "auc": f"{folder}/auc.json"}
    for key in ("roc", "sic"):
        outputs[f"{key}_png"] = for_report(
            f"{folder}/{key}.png", key, category, "Anomaly detection", model=name, figure=key
        )
        outputs[f"{key}_pdf"] = f"{folder}/{key}.pdf"
    return outputs


def search_figure(name):
    """A resonant-search figure's PNG for the report; its caption is report/search_{kind}.rst."""
    caption = name.split("_inject")[0]
    return for_report(
        results(f"search/figures/{name}.png"), f"search_{caption}", "Resonant search", figure=name
    )

# The weakly supervised resonant search (dijetgen/search.py): per injected signal count, the SR/SB events,
# a conditional density trained on the sidebands, its SR template, and k-fold classifiers, with the
# idealized, supervised, mj1-cut and unsupervised references scored on the same events and folds.
from dijetgen.config import scored_models, search_classifier_methods
from dijetgen.columns import CLASSIFIER_METHODS

SEARCH = config.get("search")
SEARCH_INJECT = sorted(SEARCH["inject"]) if SEARCH else []  # the summary's sculpting check uses the last
SEARCH_BASELINES = ([BASELINE_NAME] + scored_models(config)) if SEARCH else []
SEARCH_SETTINGS = {key: SEARCH[key] for key in SEARCH if key != "inject"} if SEARCH else {}
SEARCH_PROCESS = process_label(config, [SEARCH["background"], SEARCH["signal"]]) if SEARCH else ""


wildcard_constraints:
    inject=r"\d+",


rule search_events:
    input:
        background=lambda wildcards: results(f"features/{SEARCH['background']}.parquet"),
        signal=lambda wildcards: results(f"features/{SEARCH['signal']}.parquet"),
    output:
        results("search/inject_{inject}/events.parquet"),
    params:
        settings=SEARCH_SETTINGS,
        seed=config["seed"],
    log:
        results("logs/search/inject_{inject}/events.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/events.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_events.py"


rule search_idealized:
    input:
        lambda wildcards: results(f"features/{SEARCH['idealized']}.parquet"),
    output:
        results("search/idealized.parquet"),
    params:
        settings=SEARCH_SETTINGS,
        seed=config["seed"],
    log:
        results("logs/search/idealized.log"),
    benchmark:
        results("benchmarks/search/idealized.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_idealized.py"


rule search_density:
    input:
        results("search/inject_{inject}/events.parquet"),
    output:
        model=results("search/inject_{inject}/density/model.pt"),
        history=results("search/inject_{inject}/density/history.csv"),
    params:
        settings=SEARCH_SETTINGS,
        seed=config["seed"],
    threads: config["threads"]
    resources:
        **({"gpu": 1, "request_gpus": 1} if config["device"] == "cuda" else {}),
    log:
        results("logs/search/inject_{inject}/density.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/density.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/search_density.py"


rule search_template:
    input:
        model=results("search/inject_{inject}/density/model.pt"),
        events=results("search/inject_{inject}/events.parquet"),
    output:
        results("search/inject_{inject}/template.parquet"),
    params:
        settings=SEARCH_SETTINGS,
        seed=config["seed"],
    log:
        results("logs/search/inject_{inject}/template.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/template.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/search_template.py"


rule search_classifier:
    input:
        unpack(search_reference),
        events=results("search/inject_{inject}/events.parquet"),
    output:
        scores=results("search/inject_{inject}/scores/{method}.parquet"),
        auc=results("search/inject_{inject}/scores/{method}.json"),
    params:
        settings=SEARCH_SETTINGS,
        seed=config["seed"],
    wildcard_constraints:
        method="|".join(CLASSIFIER_METHODS),
    log:
        results("logs/search/inject_{inject}/{method}.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/{method}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_classifier.py"


rule search_baseline:
    input:
        events=results("search/inject_{inject}/events.parquet"),
        # A model's splits: it trained on those events, so they get no score.
        model=lambda wildcards: [] if wildcards.name == BASELINE_NAME else results(f"models/{wildcards.name}/model.pt"),
        seen=lambda wildcards: (
            [] if wildcards.name == BASELINE_NAME else [results("splits/train.parquet"), results("splits/val.parquet")]
        ),
    output:
        scores=results("search/inject_{inject}/scores/{name}.parquet"),
    params:
        features=config["features"],
        baseline=lambda wildcards: BASELINE if wildcards.name == BASELINE_NAME else None,
    wildcard_constraints:
        name="|".join(SEARCH_BASELINES) or "no-search",
    log:
        results("logs/search/inject_{inject}/{name}.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/{name}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_baseline.py"


SEARCH_METHODS = (search_classifier_methods(config) if SEARCH else []) + SEARCH_BASELINES
SEARCH_FIGURES = ["max_sic", "sculpting"] + [f"{kind}_inject{n}" for n in SEARCH_INJECT for kind in ("roc", "sic")]


rule search_summary:
    input:
        events=expand(results("search/inject_{inject}/events.parquet"), inject=SEARCH_INJECT),
        scores=expand(
            results("search/inject_{inject}/scores/{method}.parquet"), inject=SEARCH_INJECT, method=SEARCH_METHODS
        ),
        aucs=expand(results("search/inject_{inject}/scores/template.json"), inject=SEARCH_INJECT),
    output:
        table=for_report(results("search/summary.csv"), "search_summary", "Resonant search", table="search summary"),
        figures=[search_figure(name) for name in SEARCH_FIGURES],
        pdfs=expand(results("search/figures/{name}.pdf"), name=SEARCH_FIGURES),
    params:
        inject=SEARCH_INJECT,
        methods=SEARCH_METHODS,
        idealized=SEARCH["idealized"] if SEARCH else None,
        min_background_events=SEARCH["min_background_events"] if SEARCH else None,
        signal_region=SEARCH["signal_region"] if SEARCH else None,
        condition=SEARCH["condition"] if SEARCH else None,
        process=lambda wildcards: SEARCH_PROCESS,  # a function: the braces of its TeX are no wildcards
    log:
        results("logs/search/summary.log"),
    benchmark:
        results("benchmarks/search/summary.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_summary.py"


SEARCH_OUTPUTS = (
    [results("search/summary.csv")] + expand(results("search/figures/{name}.{ext}"), name=SEARCH_FIGURES, ext=["png", "pdf"])
    if SEARCH
    else []
)

# The weakly supervised resonant search (dijetgen/search.py): per injected signal count, the SR/SB events;
# per repeat (an independent training), conditional densities of the sidebands (the SR template) and of the
# signal region (ANODE), and k-fold classifiers (template, idealized, supervised, CWoLa), with the mj1 cut
# and the unsupervised scores on the same events and folds; the template's closure floor (a density of the
# idealized reference's SR, sampled as the template); then medians and bands over the repeats, and a bump
# hunt on the template score and on its control, the idealized score. Read only when the config has
# `search:` (the Snakefile).
from dijetgen.config import bumphunt_methods, scored_models, search_trained_methods
from dijetgen.replicas import training_hparams
from dijetgen.columns import CLASSIFIER_METHODS

SEARCH = config["search"]
SEARCH_INJECT = sorted(SEARCH["inject"])  # the summary's sculpting check uses the last
SEARCH_REPEATS = list(range(SEARCH["repeats"]))
SEARCH_BASELINES = [BASELINE_NAME] + scored_models(config)
SEARCH_TRAINED = search_trained_methods(config)
# What the trainings depend on: another injection, repeat count, density replica count or bump-hunt setting
# retrains nothing.
SEARCH_SETTINGS = {key: SEARCH[key] for key in SEARCH if key not in ("inject", "repeats", "bumphunt")}
SEARCH_SETTINGS["density"] = training_hparams(SEARCH["density"])
# The template of a repeat is drawn from this many sideband densities (seeds), each event from one of them.
SEARCH_DENSITY_REPLICAS = SEARCH["density"].get("replicas", 1)
SEARCH_PROCESS = process_label(config, [SEARCH["background"], SEARCH["signal"]])
# The template's closure floor needs the idealized reference. It is measured against the first injection's
# data, where the template's closure is measured too: a closure test when that injection is 0.
SEARCH_FLOOR_INJECT = SEARCH_INJECT[0] if SEARCH["idealized"] is not None else None


wildcard_constraints:
    inject=r"\d+",
    repeat=r"\d+",
    where="SB|SR",
    replica=r"[1-9]\d*",


rule search_events:
    """One injection's data (background + injected signal) in the SR and sidebands, and the spare signal."""
    input:
        background=lambda wildcards: results(f"features/{SEARCH['background']}.parquet"),
        signal=lambda wildcards: results(f"features/{SEARCH['signal']}.parquet"),
    output:
        results("search/inject_{inject}/events.parquet"),
    params:
        settings=SEARCH_SETTINGS,
        seed=SEARCH["seed"],
    resources:
        **job_resources("search_events"),
    log:
        results("logs/search/inject_{inject}/events.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/events.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_events.py"


rule search_idealized:
    """The idealized reference: the SR events of another sample of the background, generated alike."""
    input:
        sample=lambda wildcards: results(f"features/{SEARCH['idealized']}.parquet"),
        # The data's signal-region count, to check that the reference is at least twice as large.
        events=results(f"search/inject_{SEARCH_INJECT[0]}/events.parquet"),
    output:
        results("search/idealized.parquet"),
    params:
        settings=SEARCH_SETTINGS,
        seed=SEARCH["seed"],
    resources:
        **job_resources("search_idealized"),
    log:
        results("logs/search/idealized.log"),
    benchmark:
        results("benchmarks/search/idealized.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_idealized.py"


rule search_density:
    """The conditional density of the search features given mjj, on the data of the sidebands (SB: the
    template's) or of the signal region (SR: ANODE's numerator)."""
    input:
        results("search/inject_{inject}/events.parquet"),
    output:
        model=results("search/inject_{inject}/repeat{repeat}/density_{where}/model.pt"),
        history=results("search/inject_{inject}/repeat{repeat}/density_{where}/history.csv"),
    params:
        settings=SEARCH_SETTINGS,
        seed=repeat_seed,
        where=lambda wildcards: wildcards.where,
        from_reference=False,
    threads: config["threads"]
    resources:
        **job_resources("search_density", gpu=config["device"] == "cuda"),
    log:
        results("logs/search/inject_{inject}/repeat{repeat}/density_{where}.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/repeat{repeat}/density_{where}.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/search_density.py"


use rule search_density as search_density_replica with:
    """Replica r > 0 of the sideband density (`search.density.replicas`): the same data, another seed (for
    the initial weights and the train/validation split)."""
    output:
        model=results("search/inject_{inject}/repeat{repeat}/density_{where}/replica{replica}/model.pt"),
        history=results("search/inject_{inject}/repeat{repeat}/density_{where}/replica{replica}/history.csv"),
    # `use rule ... with` replaces only the params it names: here the seed.
    params:
        seed=density_replica_seed,
    log:
        results("logs/search/inject_{inject}/repeat{repeat}/density_{where}/replica{replica}.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/repeat{repeat}/density_{where}/replica{replica}.tsv")


use rule search_density as search_reference_density with:
    """The density of the idealized reference's SR events, with the sideband density's settings and the
    repeat's seeds: the template that a perfect interpolation would give (`train_reference_density`)."""
    input:
        results("search/idealized.parquet"),
    output:
        model=results("search/repeat{repeat}/density_reference/model.pt"),
        history=results("search/repeat{repeat}/density_reference/history.csv"),
    params:
        where="SR",
        from_reference=True,
    log:
        results("logs/search/repeat{repeat}/density_reference.log"),
    benchmark:
        results("benchmarks/search/repeat{repeat}/density_reference.tsv")


use rule search_reference_density as search_reference_density_replica with:
    """Replica r > 0 of the reference's density, seeded as the sideband density's replica r."""
    output:
        model=results("search/repeat{repeat}/density_reference/replica{replica}/model.pt"),
        history=results("search/repeat{repeat}/density_reference/replica{replica}/history.csv"),
    params:
        seed=density_replica_seed,
    log:
        results("logs/search/repeat{repeat}/density_reference/replica{replica}.log"),
    benchmark:
        results("benchmarks/search/repeat{repeat}/density_reference/replica{replica}.tsv")


rule search_template:
    """The SR background template: the sideband density (or each of its replicas, evenly) sampled at SR mjj
    values."""
    input:
        models=[results("search/inject_{inject}/repeat{repeat}/density_SB/model.pt")]
        + [
            results(f"search/inject_{{inject}}/repeat{{repeat}}/density_SB/replica{replica}/model.pt")
            for replica in range(1, SEARCH_DENSITY_REPLICAS)
        ],
        events=results("search/inject_{inject}/events.parquet"),
    output:
        results("search/inject_{inject}/repeat{repeat}/template.parquet"),
    params:
        settings=SEARCH_SETTINGS,
        seed=repeat_seed,
    resources:
        **job_resources("search_template"),
    log:
        results("logs/search/inject_{inject}/repeat{repeat}/template.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/repeat{repeat}/template.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/search_template.py"


rule search_closure_floor:
    """The template's closure floor: the SR data against samples of the reference's density (and its
    replicas), drawn and classified as the template is. No interpolation enters it, only what a density learnt
    from finite events gets wrong, so a template is not expected to close better."""
    input:
        models=[results("search/repeat{repeat}/density_reference/model.pt")]
        + [
            results(f"search/repeat{{repeat}}/density_reference/replica{replica}/model.pt")
            for replica in range(1, SEARCH_DENSITY_REPLICAS)
        ],
        events=results("search/inject_{inject}/events.parquet"),
    output:
        results("search/inject_{inject}/repeat{repeat}/closure_floor.json"),
    params:
        settings=SEARCH_SETTINGS,
        seed=repeat_seed,
    resources:
        **job_resources("search_closure_floor"),
    log:
        results("logs/search/inject_{inject}/repeat{repeat}/closure_floor.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/repeat{repeat}/closure_floor.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/search_closure_floor.py"


rule search_classifier:
    """One classifier method's k-fold ensembles, and the out-of-fold score of every search event."""
    input:
        unpack(search_reference),
        events=results("search/inject_{inject}/events.parquet"),
    output:
        scores=results("search/inject_{inject}/repeat{repeat}/scores/{method}.parquet"),
        auc=results("search/inject_{inject}/repeat{repeat}/scores/{method}.json"),
    params:
        settings=SEARCH_SETTINGS,
        seed=repeat_seed,
    wildcard_constraints:
        method="|".join(CLASSIFIER_METHODS),
    resources:
        **job_resources("search_classifier"),
    log:
        results("logs/search/inject_{inject}/repeat{repeat}/{method}.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/repeat{repeat}/{method}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_classifier.py"


rule search_anode:
    """ANODE: the log ratio of the SR density to the sideband density, at each event's own mjj."""
    input:
        signal_region=results("search/inject_{inject}/repeat{repeat}/density_SR/model.pt"),
        sidebands=results("search/inject_{inject}/repeat{repeat}/density_SB/model.pt"),
        events=results("search/inject_{inject}/events.parquet"),
    output:
        scores=results("search/inject_{inject}/repeat{repeat}/scores/anode.parquet"),
    params:
        settings=SEARCH_SETTINGS,
    resources:
        **job_resources("search_anode"),
    log:
        results("logs/search/inject_{inject}/repeat{repeat}/anode.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/repeat{repeat}/anode.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/search_anode.py"


rule search_baseline:
    """The mj1 cut's or an unsupervised model's score of every search event (no training per repeat)."""
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
        name="|".join(SEARCH_BASELINES),
    resources:
        **job_resources("search_baseline"),
    log:
        results("logs/search/inject_{inject}/{name}.log"),
    benchmark:
        results("benchmarks/search/inject_{inject}/{name}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_baseline.py"


SEARCH_FIGURES = (
    ["max_sic", "max_sic_significance", "sic_eps_b", "sculpting"]
    + [f"{kind}_inject{n}" for n in SEARCH_INJECT for kind in ("roc", "sic")]
)


# A second or two of work: on a cluster it runs in the Snakemake process itself rather than wait in the queue.
localrules:
    search_summary,
    search_bumphunt,


rule search_summary:
    """Per injection and method: medians and 16-84% bands over the repeats; the ROC, SIC and scan figures."""
    input:
        events=expand(results("search/inject_{inject}/events.parquet"), inject=SEARCH_INJECT),
        trained=[
            results(f"search/inject_{inject}/repeat{repeat}/scores/{method}.parquet")
            for inject in SEARCH_INJECT
            for repeat in SEARCH_REPEATS
            for method in SEARCH_TRAINED
        ],
        baselines=expand(
            results("search/inject_{inject}/scores/{name}.parquet"), inject=SEARCH_INJECT, name=SEARCH_BASELINES
        ),
        closures=[
            results(f"search/inject_{inject}/repeat{repeat}/scores/{method}.json")
            for inject in SEARCH_INJECT
            for repeat in SEARCH_REPEATS
            for method in SEARCH_TRAINED
            if method in ("template", "idealized")
        ],
        templates=search_repeat_files("search/inject_{inject}/repeat{repeat}/template.parquet"),
        floors=[
            results(f"search/inject_{SEARCH_FLOOR_INJECT}/repeat{repeat}/closure_floor.json")
            for repeat in SEARCH_REPEATS
            if SEARCH_FLOOR_INJECT is not None
        ],
    output:
        table=for_report(results("search/summary.csv"), "search_summary", "Resonant search", table="search summary"),
        repeats=results("search/repeats.csv"),
        figures=[search_figure(name) for name in SEARCH_FIGURES],
        pdfs=expand(results("search/figures/{name}.pdf"), name=SEARCH_FIGURES),
    params:
        inject=SEARCH_INJECT,
        repeats=SEARCH_REPEATS,
        trained=SEARCH_TRAINED,
        baselines=SEARCH_BASELINES,
        idealized=SEARCH["idealized"],
        floor_inject=SEARCH_FLOOR_INJECT,
        features=SEARCH["features"],
        min_background_events=SEARCH["min_background_events"],
        signal_region=SEARCH["signal_region"],
        condition=SEARCH["condition"],
        process=lambda wildcards: SEARCH_PROCESS,  # a function: the braces of its TeX are no wildcards
    resources:
        **job_resources("search_summary"),
    log:
        results("logs/search/summary.log"),
    benchmark:
        results("benchmarks/search/summary.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_summary.py"


BUMPHUNT_FIGURES = [f"bumphunt_inject{n}" for n in SEARCH_INJECT]
BUMPHUNT_METHODS = bumphunt_methods(config)


rule search_bumphunt:
    """The bump hunt: cuts on each hunted method's score, a dijet-function fit of the selected sidebands, the SR
    excess and its significance, per method, injection, repeat and working point; the first method's spectra
    of repeat 0."""
    input:
        events=expand(results("search/inject_{inject}/events.parquet"), inject=SEARCH_INJECT),
        # Method-major, then injection, then repeat: the order the script reads them in.
        scores=[
            path
            for method in BUMPHUNT_METHODS
            for path in search_repeat_files(f"search/inject_{{inject}}/repeat{{repeat}}/scores/{method}.parquet")
        ],
    output:
        table=for_report(results("search/bumphunt.csv"), "search_bumphunt", "Resonant search", table="bump hunt"),
        figures=[search_figure(name) for name in BUMPHUNT_FIGURES],
        pdfs=expand(results("search/figures/{name}.pdf"), name=BUMPHUNT_FIGURES),
    params:
        methods=BUMPHUNT_METHODS,
        inject=SEARCH_INJECT,
        repeats=SEARCH_REPEATS,
        settings=SEARCH_SETTINGS,
        bumphunt=SEARCH["bumphunt"],
        process=lambda wildcards: SEARCH_PROCESS,
    resources:
        **job_resources("search_bumphunt"),
    log:
        results("logs/search/bumphunt.log"),
    benchmark:
        results("benchmarks/search/bumphunt.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/search_bumphunt.py"


FINAL_OUTPUTS["search"] = [str(path) for path in rules.search_summary.output]
FINAL_OUTPUTS["bumphunt"] = [str(path) for path in rules.search_bumphunt.output]

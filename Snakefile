from snakemake.utils import min_version, validate

from dijetgen.config import fill_derived_defaults, schema_error_message
from dijetgen.yaml_config import yaml_1_2_numbers

min_version("9.0")


# A --configfile given on the command line is the whole config; config.yaml is the config only when none is
# given. (Snakemake's `configfile:` would otherwise merge the two, keeping samples and models the user left out.)
if not workflow.overwrite_configfiles:

    configfile: "config.yaml"


# Snakemake reads the config as YAML 1.1, where `lr: 1e-3` is a string; users mean the number.
config.update(yaml_1_2_numbers(config))
try:
    validate(config, "config.schema.yaml")
except WorkflowError as err:
    raise WorkflowError(schema_error_message(err)) from None
fill_derived_defaults(config)


include: "rules/common.smk"
include: "rules/fetch.smk"
include: "rules/ingest.smk"
include: "rules/cluster.smk"
include: "rules/features.smk"
include: "rules/split.smk"
include: "rules/train.smk"
include: "rules/sample.smk"
include: "rules/report.smk"
include: "rules/validate.smk"
include: "rules/anomaly.smk"
include: "rules/search.smk"
include: "rules/beta_scan.smk"
include: "rules/amplification.smk"
include: "rules/particles.smk"
include: "rules/paper.smk"


# On a cluster these run in the Snakemake process itself: the download (compute nodes often have no network)
# and the summaries and figures of a second or two, which would wait longer in the queue than they run.
localrules:
    all,
    fetch,
    validation_summary,
    training_curves,
    anomaly_summary,
    search_summary,
    search_bumphunt,
    beta_scan_summary,
    vae_beta_scan,
    amplification_summary,
    particles_summary,
    paper,


rule all:
    """Every output of the config: feature tables, models, validation, anomaly detection, search, paper bundle."""
    input:
        expand(results("features/{sample}.parquet"), sample=SAMPLES),
        expand(results("samples/{model}.parquet"), model=MODELS),
        VALIDATION_OUTPUTS,
        ANOMALY_OUTPUTS,
        SEARCH_OUTPUTS,
        BETA_SCAN_OUTPUTS,
        AMPLIFICATION_OUTPUTS,
        PAPER_OUTPUTS,
        PARTICLE_OUTPUTS,
    default_target: True

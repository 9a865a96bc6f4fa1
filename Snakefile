from snakemake.utils import min_version, validate

from dijetgen.config import fill_derived_defaults, optional_stages, schema_error_message
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


# The front page of `snakemake --report`; the figures and tables are flagged by the rules (for_report).
report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/fetch.smk"
include: "rules/ingest.smk"
include: "rules/cluster.smk"
include: "rules/features.smk"
include: "rules/split.smk"
include: "rules/train.smk"
include: "rules/sample.smk"
include: "rules/validate.smk"
include: "rules/anomaly.smk"


# An optional stage's rules are read only when the config turns it on, so they need no guards for configs
# without it; the paper bundle, included last, gathers whatever stages ran.
for stage in optional_stages(config):

    include: f"rules/{stage}.smk"


include: "rules/paper.smk"


localrules:
    all,


rule all:
    """Every output of the config: feature tables, models, validation, anomaly detection, search, paper bundle."""
    input:
        expand(results("features/{sample}.parquet"), sample=SAMPLES),
        expand(results("samples/{model}.parquet"), model=MODELS),
        FINAL_OUTPUTS.values(),
    default_target: True

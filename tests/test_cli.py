"""`dijetgen validate`: this project's metrics on anyone's parquet files, the same numbers as the pipeline's."""

import json

import pytest
from helpers import FEATURES, toy_events

from dijetgen.cli import main
from dijetgen.validation import ValidationSettings, json_safe, validate

SEED = 3


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    """Generated (masses 20% off), reference and train files of equal size, written as the pipeline writes them."""
    folder = tmp_path_factory.mktemp("samples")
    tables = {
        "generated": toy_events(600, 4, mass_scale=1.2),
        "reference": toy_events(600, 2),
        "train": toy_events(600, 1),
    }
    paths = {}
    for name, table in tables.items():
        paths[name] = str(folder / f"{name}.parquet")
        table.to_parquet(paths[name])
    return paths, tables


def test_validate_gives_the_pipelines_numbers_and_a_table(samples, tmp_path, capsys):
    paths, tables = samples
    out = tmp_path / "metrics.json"
    arguments = ["validate", paths["generated"], paths["reference"], "--train", paths["train"], "--seed", str(SEED)]
    assert main([*arguments, "--json", str(out)]) == 0
    direct = validate(tables["generated"], tables["train"], tables["reference"], FEATURES, ValidationSettings(), SEED)
    assert json.loads(out.read_text()) == json_safe(direct)
    table = capsys.readouterr().out
    assert "W1 floor" in table and "KS ratio" in table and "classifier AUC" in table
    assert all(name in table for name in ("mj1", "mjj", "FPD", "KPD"))


def test_without_train_the_numbers_are_the_generated_half(samples, tmp_path):
    paths, tables = samples
    out = tmp_path / "metrics.json"
    assert main(["validate", paths["generated"], paths["reference"], "--seed", str(SEED), "--json", str(out)]) == 0
    alone = json.loads(out.read_text())
    # validate() shuffles the generated events with the seed; with a train sample of equal size it keeps them all.
    direct = json_safe(
        validate(tables["generated"], tables["train"], tables["reference"], FEATURES, ValidationSettings(), SEED)
    )
    for key in ("fpd", "kpd", "classifier_auc"):
        assert alone[key] == {"generated": direct[key]["generated"]}
    for name, distances in alone["observables"].items():
        for metric, value in distances.items():
            assert value == {"generated": direct["observables"][name][metric]["generated"]}


def test_bad_files_and_columns_are_one_line_errors(samples, tmp_path, capsys):
    paths, _ = samples
    not_parquet = tmp_path / "events.csv"
    not_parquet.write_text("ptj1\n1\n")
    cases = [
        ([str(tmp_path / "missing.parquet: no such file"), paths["reference"]], "missing.parquet: no such file"),
        ([str(not_parquet), paths["reference"]], "events.csv: not a readable parquet file"),
        ([paths["generated"], paths["reference"], "--features", "ptj1", "nsubjets"], "no column(s) nsubjets"),
    ]
    for arguments, message in cases:
        assert main(["validate", *arguments]) == 1
        error = capsys.readouterr().err
        assert error.startswith("dijetgen error: ") and message in error and error.count("\n") == 1

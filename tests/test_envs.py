"""The conda envs used on clusters (`--sdm conda`) pin exactly what requirements.txt pins, and each rule's env
holds every distribution its script imports, directly or through the dijetgen modules it reaches."""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from dijetgen.registry import KINDS, SOURCES

ROOT = Path(__file__).resolve().parents[1]

# Import name -> pip distribution, for every third-party import in scripts/ and dijetgen/.
DISTRIBUTIONS = {
    "awkward": "awkward",
    "cycler": "matplotlib",  # matplotlib's own dependency, installed with it
    "fastjet": "fastjet",
    "hist": "hist",
    "iminuit": "iminuit",
    "matplotlib": "matplotlib",
    "mplhep": "mplhep",
    "numpy": "numpy",
    "pandas": "pandas",
    "pyarrow": "pyarrow",
    "pyhepmc": "pyhepmc",
    "pythia8mc": "pythia8mc",
    "requests": "requests",
    "scipy": "scipy",
    "sklearn": "scikit-learn",
    "snakemake": "snakemake",
    "tables": "tables",
    "threadpoolctl": "threadpoolctl",
    "torch": "torch",
    "torchdiffeq": "torchdiffeq",
    "tqdm": "tqdm",
    "uproot": "uproot",
    "vector": "vector",
    "yaml": "PyYAML",
    "zuko": "zuko",
}
# pandas reads and writes these formats through optional packages that nothing imports by name.
PANDAS_BACKENDS = {
    "read_parquet": "pyarrow",
    "to_parquet": "pyarrow",
    "HDFStore": "tables",
    "read_hdf": "tables",
    "to_hdf": "tables",
}


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def env_pip_entries(env_file: Path) -> list[str]:
    env = yaml.safe_load(env_file.read_text())
    return next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))


def rule_scripts_and_envs() -> list:
    """pytest params (rule file, rule, script, env) for every rule with both a `script:` and a `conda:`."""
    found = []
    for rule_file in sorted((ROOT / "rules").glob("*.smk")):
        blocks = re.split(r"^rule (\w+):", rule_file.read_text(), flags=re.MULTILINE)
        for rule, body in zip(blocks[1::2], blocks[2::2]):
            script = re.search(r'^\s+script:\s+"([^"]+)"', body, flags=re.MULTILINE)
            env = re.search(r'^\s+conda:\s+"([^"]+)"', body, flags=re.MULTILINE)
            if script and env:
                paths = (ROOT / "rules" / script[1], ROOT / "rules" / env[1])
                found.append(pytest.param(rule_file.name, rule, *paths, id=rule))
    return found


def module_file(module: str) -> Path | None:
    """The source file of a dijetgen module, or None when `module` names something inside one."""
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.exists():
            return candidate
    return None


def imported_names(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions: a lazy import runs when its path does.

    `from package import name` yields both `package` and `package.name`, as `name` may be a submodule.
    """
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, (
                f"{path.relative_to(ROOT)}:{node.lineno}: a relative import, which this check cannot follow"
            )
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def pandas_backends(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return {
        PANDAS_BACKENDS[node.attr]
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in PANDAS_BACKENDS
    }


# The registry names model and reader modules as strings, which these package modules import when a job
# asks for a kind or a source (Kind.load, Source.load): for the closure they are imports of those modules.
REGISTRY_LOADERS = {
    "dijetgen/models/__init__.py": [kind.model for kind in KINDS.values()],
    "dijetgen/sources/__init__.py": [source.reader for source in SOURCES.values()],
}


def needed_distributions(script: Path) -> dict[str, str]:
    """{pip distribution: the file that imports it} over the script and the dijetgen modules it reaches."""
    needed, seen, queue = {}, set(), [script]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        where = str(path.relative_to(ROOT))
        for backend in pandas_backends(path):
            needed.setdefault(backend, where)
        loaded = {entry.split(":")[0] for entry in REGISTRY_LOADERS.get(where, [])}
        for name in imported_names(path) | loaded:
            top = name.split(".")[0]
            if top == "dijetgen":
                # A dijetgen package's __init__ runs on import of any of its modules.
                parts = name.split(".")
                queue.extend(f for i in range(1, len(parts) + 1) if (f := module_file(".".join(parts[:i]))))
            elif top not in sys.stdlib_module_names:
                assert top in DISTRIBUTIONS, f"{where}: imports {top}, which DISTRIBUTIONS does not map to pip"
                needed.setdefault(DISTRIBUTIONS[top], where)
    return needed


@pytest.mark.parametrize("env_file", sorted((ROOT / "envs").glob("*.yaml")), ids=lambda p: p.name)
def test_env_pins_match_requirements(env_file):
    pins = requirement_pins()
    for entry in env_pip_entries(env_file):
        name, version = entry.split("==")
        assert pins.get(name.lower()) == version, f"{env_file.name}: {entry} differs from requirements.txt"


def test_every_rule_names_an_existing_env():
    for rule_file in (ROOT / "rules").glob("*.smk"):
        for line in rule_file.read_text().splitlines():
            if line.strip().startswith('"../envs/'):
                assert (ROOT / "rules" / line.strip().strip('",')).exists(), f"{rule_file.name}: {line.strip()}"


def test_rules_are_found():
    rules = {param.values[1] for param in rule_scripts_and_envs()}
    assert {"ingest", "cluster", "features", "train", "validate", "paper"} <= rules


@pytest.mark.parametrize(("rule_file", "rule", "script", "env_file"), rule_scripts_and_envs())
def test_rule_env_holds_what_its_script_imports(rule_file, rule, script, env_file):
    provided = {entry.split("==")[0].lower() for entry in env_pip_entries(env_file)}
    missing = {name: where for name, where in needed_distributions(script).items() if name.lower() not in provided}
    assert not missing, f"{env_file.name}: rule {rule} ({rule_file}) misses " + ", ".join(
        f"{name} (imported by {where})" for name, where in sorted(missing.items())
    )


def test_import_closure_follows_the_package_and_lazy_imports():
    cluster = needed_distributions(ROOT / "scripts" / "cluster.py")
    assert {"fastjet", "uproot", "tables", "pyarrow"} <= cluster.keys()
    assert cluster["uproot"] == "dijetgen/sources/root.py"
    assert "tqdm" in needed_distributions(ROOT / "scripts" / "validate.py")
    assert "torch" not in needed_distributions(ROOT / "scripts" / "fetch.py")


def test_pyproject_declares_the_requirements_unpinned():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert {name.lower() for name in declared} == requirement_pins().keys()
    assert not [name for name in declared if not re.fullmatch(r"[A-Za-z0-9._-]+", name)], (
        "pins live in requirements.txt"
    )


# Scripts that read tables and draw figures: each Snakemake job is a new Python, and torch or sklearn at import
# costs it 2-4 s of CPU (the test suite and a real run have hundreds of such jobs).
LIGHT_SCRIPTS = (
    "summary.py",
    "plot_validation.py",
    "plot_training_curves.py",
    "amplification_summary.py",
    "beta_scan.py",
    "paper.py",
    "split.py",
    "ensemble_sample.py",
    "search_bumphunt.py",
    "particles_summary.py",
    "validate_particles.py",
)


@pytest.mark.parametrize("script", LIGHT_SCRIPTS)
def test_figure_and_summary_scripts_import_neither_torch_nor_sklearn(script):
    path = ROOT / "scripts" / script
    program = (
        "import ast, sys\n"
        f"tree = ast.parse(open({str(path)!r}).read())\n"
        "body = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]\n"
        f"exec(compile(ast.Module(body, []), {str(path)!r}, 'exec'), {{}})\n"
        "print('LOADED', [name for name in ('torch', 'sklearn') if name in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT)
    assert "LOADED []" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]

"""The suite's own rules: no test module imports another (shared helpers live in conftest.py and helpers.py), and
every test that runs Snakemake is marked slow, so `make test-fast` skips exactly the workflow tests."""

import ast

from conftest import ROOT

TESTS = ROOT / "tests"
# conftest's functions that start Snakemake.
RUNNERS = {"snakemake", "snakemake_command"}


def module_functions() -> dict[str, list[ast.FunctionDef]]:
    return {
        path.name: [node for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)]
        for path in sorted(TESTS.glob("*.py"))
    }


def decorated_with(function: ast.FunctionDef, text: str) -> bool:
    return any(text in ast.unparse(decorator) for decorator in function.decorator_list)


def starts_snakemake(function: ast.FunctionDef, snakemake_fixtures: set[str]) -> bool:
    """Whether `function` calls a runner, builds a `... -m snakemake` command, or takes a fixture that does."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RUNNERS:
            return True
        if isinstance(node, ast.Constant) and node.value == "snakemake":
            return True
    return any(argument.arg in snakemake_fixtures for argument in function.args.args)


def test_no_test_module_imports_another():
    for path in sorted(TESTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith("test_"), f"{path.name}: imports {name}; share it from conftest or helpers"


def test_every_test_that_runs_snakemake_is_marked_slow():
    functions = module_functions()
    fixtures = [f for module in functions.values() for f in module if decorated_with(f, "fixture")]
    snakemake_fixtures: set[str] = set()
    while grown := {f.name for f in fixtures if starts_snakemake(f, snakemake_fixtures)} - snakemake_fixtures:
        snakemake_fixtures |= grown
    unmarked = []
    for module, module_tests in functions.items():
        whole_module_slow = "pytestmark = pytest.mark.slow" in (TESTS / module).read_text()
        for test in module_tests:
            slow = whole_module_slow or decorated_with(test, "pytest.mark.slow")
            if test.name.startswith("test_") and starts_snakemake(test, snakemake_fixtures) and not slow:
                unmarked.append(f"{module}::{test.name}")
    assert "tiny_run" in snakemake_fixtures
    assert not unmarked, "run Snakemake but lack @pytest.mark.slow: " + ", ".join(unmarked)

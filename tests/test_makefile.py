"""The Makefile refuses a Python older than 3.11 with one clear line, before it builds anything."""

import shutil
import subprocess

from conftest import ROOT


def test_old_python_is_refused_before_the_venv_is_built(tmp_path):
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    old_python = tmp_path / "python3.10"
    old_python.write_text("#!/bin/sh\nexec python3 -c \"print('Python 3.10.12'); raise SystemExit(1)\"\n")
    old_python.chmod(0o755)
    result = subprocess.run(["make", "test", f"PYTHON={old_python}"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert f"make: {old_python} is not Python >= 3.11 (found: Python 3.10.12)" in result.stderr
    assert not (tmp_path / ".venv").exists()

"""The `## Blocking calls (DJA3xx)` example of docs/verifier.md is real: its code gives exactly its output."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

VERIFIER_DOC = Path(__file__).resolve().parents[2] / "docs" / "verifier.md"


def test_blocking_example_output_is_real(tmp_path: Path) -> None:
    section = VERIFIER_DOC.read_text(encoding="utf-8").split("## Blocking calls (DJA3xx)\n", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    console = re.search(r"```console\n\$ django-async-kit (.*?)\n(.*?)```", section, re.DOTALL)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["django>=6.1", "httpx2>=2.16"]\n')
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "views.py").write_text(code)
    result = subprocess.run([sys.executable, "-m", "verify", *console.group(1).split()],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.stdout == console.group(2)

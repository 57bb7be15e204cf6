"""Write a notebook's cells as a Python script: code cells as they are, markdown cells as comments.

    python examples/notebook_to_script.py                 # examples/api_tour.ipynb -> examples/api_tour.py

The test suite runs the script and checks that it is the notebook's code (tests/test_api.py), so the two cannot
drift; nbformat and a Jupyter kernel are not needed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def script_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    parts = [f'"""{notebook.name} as a script (written by examples/notebook_to_script.py: edit the notebook)."""']
    for cell in cells:
        text = "".join(cell["source"]).rstrip()
        if cell["cell_type"] == "markdown":
            text = "\n".join(f"# {line}".rstrip() for line in text.splitlines())
        parts.append(text)
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    notebook = Path(sys.argv[1]) if len(sys.argv) > 1 else here / "api_tour.ipynb"
    notebook.with_suffix(".py").write_text(script_of(notebook), encoding="utf-8")

"""examples/analysts.ipynb runs top to bottom on a freshly published snapshot (so it never rots).

The kernel is this interpreter (the project's .venv), from a kernelspec written under tmp_path;
Jupyter's and IPython's runtime, config and data folders point there too, so nothing in the user's
home is read or written and a kernelspec of the same name elsewhere cannot be picked instead.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from lottery.games import Game
from tests.serving_fixtures import PROJECT_ROOT, Published

NOTEBOOK = PROJECT_ROOT / "examples" / "analysts.ipynb"
KERNEL = "lotostats-test"


def venv_kernel(root: Path) -> KernelManager:
    """A kernel manager that starts ``sys.executable -m ipykernel_launcher`` and nothing else."""
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "lotostats (.venv)",
                "language": "python",
            }
        )
    )
    specs = KernelSpecManager(kernel_dirs=[str(root / "kernels")], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)


@pytest.fixture
def private_jupyter_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Jupyter, IPython and matplotlib folders under tmp_path (the kernel inherits the environment)."""
    for name in (
        "JUPYTER_RUNTIME_DIR",
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "IPYTHONDIR",
        "MPLCONFIGDIR",
    ):
        folder = tmp_path / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return tmp_path


def test_committed_notebook_has_no_outputs() -> None:
    """Outputs stay out of git: every code cell is stored unexecuted."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.slow
def test_notebook_runs_and_counts_the_warehouses_draws(
    published: Published, private_jupyter_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every cell runs without error on the published snapshot; its draw counts are the warehouse's."""
    monkeypatch.setenv("SERVING_DIR", str(published.serving_dir))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        km=venv_kernel(private_jupyter_dirs),
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    (cell,) = [c for c in nb.cells if "draw-count" in c.metadata.get("tags", [])]
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    counts = json.loads(printed.strip().splitlines()[-1])["draw_counts"]
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        expected = {
            g.value: con.execute("SELECT count(*) FROM draws WHERE game = ?", [g.value]).fetchall()[0][0]
            for g in Game
        }
    assert counts == expected
    assert expected["euromillions"] > 1000
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # the frequency bars, draws per year, frequency over the snapshots

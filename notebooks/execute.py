"""Runs the notebooks headless (nbclient) and writes each, executed, as HTML under notebooks/target/.

    /usr/bin/python3 notebooks/execute.py [--jdbc-url URL] [--user U] [--password P] [NOTEBOOK ...]

Exits 1 when a cell raises, after printing the notebook and its error's one line.
"""

import argparse
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

HERE = Path(__file__).resolve().parent
NOTEBOOKS = ["explore_tag", "plant_overview", "data_quality"]


def main():
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--jdbc-url")
    args.add_argument("--user")
    args.add_argument("--password")
    args.add_argument("--timeout", type=int, default=300, help="seconds a cell may take")
    args.add_argument("notebooks", nargs="*", default=NOTEBOOKS)
    a = args.parse_args()
    for key, value in (("SLUICE_JDBC_URL", a.jdbc_url), ("SLUICE_JDBC_USER", a.user),
                       ("SLUICE_JDBC_PASSWORD", a.password)):
        if value is not None:
            os.environ[key] = value
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # the kernel's debugger notes
    out = Path(os.environ.get("SLUICE_NOTEBOOKS_OUT", HERE / "target"))
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name in a.notebooks:
        name = Path(name).stem
        (out / f"{name}.json").unlink(missing_ok=True)  # this run's key numbers only
        nb = nbformat.read(HERE / f"{name}.ipynb", as_version=4)
        client = NotebookClient(nb, timeout=a.timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        try:
            client.execute()
            print(f"{name}: ok")
        except CellExecutionError as e:
            failed += 1
            print(f"{name}: failed: {one_line(nb, e)}")
        html, _ = HTMLExporter().from_notebook_node(nb)
        (out / f"{name}.html").write_text(html, encoding="utf-8")
    return 1 if failed else 0


def one_line(nb, error):
    """The error as the notebook showed it: its last error output's lines, else the exception's name."""
    for cell in reversed(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return " / ".join(line for line in output.get("traceback", []) if line.strip())
    return str(error).strip().splitlines()[-1]


if __name__ == "__main__":
    sys.exit(main())

"""What the Sluice notebooks share: the database connection, queries into pandas, one-line errors,
and the key numbers a notebook records for its checks.

Connection settings, first found wins:
  1. SLUICE_JDBC_URL, SLUICE_JDBC_USER, SLUICE_JDBC_PASSWORD (the keys of conf/sluice.properties
     as environment variables, as every Sluice program reads them);
  2. jdbc.url, jdbc.user, jdbc.password in the file named by SLUICE_CONF, else conf/sluice.properties.
"""

import json
import os
import re
from pathlib import Path

import pandas as pd
import psycopg2

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("SLUICE_NOTEBOOKS_OUT", ROOT / "notebooks" / "target"))


class SluiceError(Exception):
    """A failure shown as its one line in a notebook, not as a traceback."""

    def _render_traceback_(self):  # IPython prints these lines instead of the traceback
        return [f"sluice: {self}"]


def _properties(path):
    props = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")) and "=" in line:
            key, value = line.split("=", 1)
            props[key.strip()] = value.strip()
    return props


def settings():
    """jdbc.url, jdbc.user and jdbc.password, from the environment or the configuration file."""
    conf = Path(os.environ.get("SLUICE_CONF", ROOT / "conf" / "sluice.properties"))
    props = _properties(conf) if conf.exists() else {}
    found = {}
    for key in ("jdbc.url", "jdbc.user", "jdbc.password"):
        env = "SLUICE_" + key.upper().replace(".", "_")
        found[key] = os.environ.get(env, props.get(key, ""))
    return found


def connect():
    """A connection to the history database, or one line saying why there is none."""
    s = settings()
    url = s["jdbc.url"]
    m = re.fullmatch(r"jdbc:postgresql://([^/:?]+)(?::(\d+))?/([^?]+)(?:\?.*)?", url)
    if not m:
        raise SluiceError(
            f"jdbc.url is '{url}', not jdbc:postgresql://host:port/db; set SLUICE_JDBC_URL "
            "(./sluice-demo prints its Database URL)")
    host, port, db = m.group(1), int(m.group(2) or 5432), m.group(3)
    try:
        conn = psycopg2.connect(host=host, port=port, dbname=db, user=s["jdbc.user"],
                                password=s["jdbc.password"], connect_timeout=5)
    except psycopg2.OperationalError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise SluiceError(f"cannot reach the history database at {host}:{port}/{db}: {first}") from None
    conn.autocommit = True
    return conn


def query(conn, sql, params=()):
    """The rows of a query as a DataFrame; a database error (a function's RAISE) as one line."""
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            columns = [d[0] for d in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=columns)
    except psycopg2.Error as e:
        message = (e.diag.message_primary if e.diag and e.diag.message_primary else str(e)).strip()
        raise SluiceError(message) from None


def stored_range(conn, window_ms=1000):
    """First and last window start of the stored windows of a size, or one line if there are none."""
    df = query(conn, "SELECT min(window_start) AS first, max(window_start) AS last "
                     "FROM window_stats WHERE window_ms = %s", (window_ms,))
    if df.empty or pd.isna(df["first"][0]):
        raise SluiceError(f"no stored window of {window_ms} ms: run the pipeline first (./sluice-demo)")
    return df["first"][0], df["last"][0]


def record(notebook, name, value):
    """Notes a key number of a notebook, for the checks that run it (notebooks/target/<notebook>.json)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{notebook}.json"
    numbers = json.loads(path.read_text()) if path.exists() else {}
    numbers[name] = value
    path.write_text(json.dumps(numbers, indent=1, default=str))
    return value


def save_figure(fig, notebook, name):
    """Writes a figure under notebooks/target/<notebook>/, for a reviewer."""
    folder = OUT / notebook
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{name}.png", dpi=90, bbox_inches="tight")

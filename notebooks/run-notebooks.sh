#!/usr/bin/env bash
# Runs the three notebooks headless against a history database and writes them, executed, as HTML
# (with their figures) under notebooks/target/. With the demo running:
#   notebooks/run-notebooks.sh --jdbc-url jdbc:postgresql://127.0.0.1:PORT/postgres --user postgres --password postgres
# Without --jdbc-url: SLUICE_JDBC_URL, else jdbc.url of conf/sluice.properties (or SLUICE_CONF).
# Debian's python3-pandas, -matplotlib, -psycopg2, -nbclient, -nbconvert and -ipykernel, for /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c 'import pandas, matplotlib, psycopg2, nbclient, nbconvert, ipykernel' 2>/dev/null; then
  echo "run-notebooks.sh: /usr/bin/python3 lacks a package; install them with:" >&2
  echo "  sudo apt-get install python3-pandas python3-matplotlib python3-psycopg2 python3-nbclient python3-nbconvert python3-ipykernel" >&2
  exit 2
fi
exec /usr/bin/python3 execute.py "$@"

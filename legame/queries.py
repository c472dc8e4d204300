"""Runs the SQL files in queries/ with named parameters; the only way the package reads KPIs' inputs."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


@cache
def sql(name: str) -> str:
    """The text of queries/<name>.sql."""
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    """Execute queries/<name>.sql, binding the parameters it names, and fetch every row as a dict."""
    text = sql(name)
    used = set(_PARAM.findall(_COMMENT.sub("", text)))
    missing = used - params.keys()
    if missing:
        raise TypeError(f"queries/{name}.sql needs parameters {', '.join(sorted(missing))}")
    cursor = con.execute(text, {k: v for k, v in params.items() if k in used})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

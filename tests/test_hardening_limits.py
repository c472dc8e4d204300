"""Upload limits (config.yaml `limits`): a file too large, too long or too wide is refused by name, nothing written."""

from __future__ import annotations

import pytest

from legame.errors import FatalFileError
from legame.ingest import load_file
from legame.limits import UploadLimits
from legame.warehouse import table_counts
from tests.conftest import write

ORDERS = "order_id,email,ordered_at,revenue\n" + "".join(
    f"L-{i},p{i}@example.com,2025-08-01,{i}\n" for i in range(1, 51)
)


@pytest.mark.parametrize(
    ("limits", "text", "message"),
    [
        (
            {"upload_mb": 0.001},
            ORDERS,
            "orders.csv is 1,757 bytes; Legame loads files of at most 0.001 MB (limits.upload_mb in config.yaml). "
            "Export a shorter date range, or raise the limit.",
        ),
        (
            {"rows": 49},
            ORDERS,
            "orders.csv has 50 rows; Legame loads at most 49 per file (limits.rows in config.yaml). "
            "Export a shorter date range, or raise the limit.",
        ),
        (
            {"columns": 3},
            ORDERS,
            "orders.csv has 4 columns; Legame reads at most 3 (limits.columns in config.yaml). "
            "Export only the columns you need, or raise the limit.",
        ),
    ],
)
def test_a_file_over_a_limit_is_refused_and_nothing_is_written(con, config, tmp_path, limits, text, message):
    config.data["limits"] = {**config.data["limits"], **limits}
    before = table_counts(con), con.execute("select count(*) from loads").fetchone()
    with pytest.raises(FatalFileError) as refused:
        load_file(con, config, write(tmp_path, "orders.csv", text))
    assert str(refused.value) == message
    assert (table_counts(con), con.execute("select count(*) from loads").fetchone()) == before
    assert not (tmp_path / "raw").exists() or not any((tmp_path / "raw").iterdir())


def test_a_file_at_the_limits_loads(con, config, tmp_path):
    config.data["limits"] = {**config.data["limits"], "rows": 50, "columns": 4, "upload_mb": 0.002}
    assert load_file(con, config, write(tmp_path, "orders.csv", ORDERS)).rows_to_load == 50


def test_config_yaml_keeps_one_limits_block_with_every_limit():
    from legame.config import ROOT

    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    assert text.count("\nlimits:") == 1
    from legame.config import load_config

    assert UploadLimits.from_config(load_config(ROOT / "config.yaml")) == UploadLimits(500, 20_000_000, 500)

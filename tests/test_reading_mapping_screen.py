"""The mapping screen asks to confirm a weak fit before one click saves it (issue #13), under AppTest."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from legame.config import ROOT, load_config
from tests.test_reading_mapping import ITALIAN_ORDERS


def screen(config_path: str, file_path: str) -> None:
    from pathlib import Path

    from legame import warehouse
    from legame.config import load_config
    from legame.errors import UnrecognisedExport
    from legame.ui import mapping

    config = load_config(Path(config_path))
    con = warehouse.connect(config)
    data = Path(file_path).read_bytes()
    mapping.screen(con, config, "ordini.csv", data, UnrecognisedExport("unknown"), key="m")
    con.close()


@pytest.fixture
def app(tmp_path: Path) -> AppTest:
    data = copy.deepcopy(load_config(ROOT / "config.yaml").data)
    data["warehouse"].update(path=str(tmp_path / "legame.duckdb"), profiles_dir=str(tmp_path / "profiles"))
    data["warehouse"].update(raw_dir=str(tmp_path / "raw"), secret_file=str(tmp_path / "secret"))
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "ordini.csv").write_text(ITALIAN_ORDERS, encoding="utf-8")
    args = (str(tmp_path / "config.yaml"), str(tmp_path / "ordini.csv"))
    return AppTest.from_function(screen, args=args, default_timeout=120).run()


def save_button(at: AppTest):
    return next(b for b in at.button if b.label == "Save as profile and load")


def test_the_guess_is_orders_and_saves_in_one_click(app):
    assert app.selectbox(key="m-table").value == "orders"
    assert not [w for w in app.warning if "may not be" in w.value]
    assert not save_button(app).disabled


def test_people_for_an_orders_file_must_be_confirmed_before_saving(app):
    app.selectbox(key="m-table").set_value("people").run()
    assert [w.value for w in app.warning if "may not be" in w.value] == [
        "This file may not be People: only 2 of the file's 6 columns fit People and Orders fits it better. "
        "Check the columns below before saving."
    ]
    assert save_button(app).disabled
    app.checkbox(key="m-confirm-people").check().run()
    assert app.checkbox(key="m-confirm-people").label == "Yes, this file lists people"
    assert not save_button(app).disabled

"""`make demo` writes var/development.env so that the README's `tatara …` lines work in the
checkout; the settings read TATARA_* names from it that the environment does not set."""

import os

from tatara.config.settings import load_development_env


def test_the_file_fills_what_the_environment_does_not_set(tmp_path, monkeypatch):
    environ = {k: v for k, v in os.environ.items() if k != "TATARA_DEBUG"}
    environ["TATARA_FY_START_MONTH"] = "1"
    monkeypatch.setattr(os, "environ", environ)  # a copy: nothing leaks into other tests
    path = tmp_path / "development.env"
    path.write_text(
        "# a comment\nTATARA_DEBUG=1\nTATARA_FY_START_MONTH=4\nHOME_OF_SOMETHING=x\n",
        encoding="utf-8",
    )
    load_development_env(path)
    assert os.environ["TATARA_DEBUG"] == "1"
    assert os.environ["TATARA_FY_START_MONTH"] == "1"  # the environment wins
    assert "HOME_OF_SOMETHING" not in os.environ  # only Tatara's own names

"""Settings: defaults < TOML file < NEWSWEAVE_* variables < options."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.errors import SettingsError
from newsweave.settings import Settings, load_settings


def test_defaults_when_nothing_is_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings(environ={}) == Settings()


def test_layers_override_in_order(tmp_path):
    config = tmp_path / "newsweave.toml"
    config.write_text('db = "from-file.db"\nread_timeout = 3\nrespect_robots = false\n')
    env = {"NEWSWEAVE_DB": "from-env.db", "NEWSWEAVE_MAX_REDIRECTS": "2"}
    settings = load_settings(config, {"db": Path("from-option.db")}, environ=env)
    assert settings.db == "from-option.db"
    assert settings.max_redirects == 2
    assert settings.read_timeout == 3.0
    assert settings.respect_robots is False
    assert load_settings(config, environ=env).db == "from-env.db"


def test_a_database_url_is_kept_whole():
    url = "postgresql://newsroom@db.example:5432/newsweave?sslmode=require"
    assert load_settings(environ={"NEWSWEAVE_DB": url}).db == url


def test_config_file_from_environment(tmp_path):
    config = tmp_path / "other.toml"
    config.write_text("min_words = 10\n")
    assert load_settings(environ={"NEWSWEAVE_CONFIG": str(config)}).min_words == 10


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSWEAVE_READ_TIMEOUT": "soon"}, "read_timeout in environment must be a float"),
        ({"NEWSWEAVE_RESPECT_ROBOTS": "maybe"}, "respect_robots in environment must be a bool"),
        ({"NEWSWEAVE_COLOUR": "blue"}, "unknown setting 'colour'"),
        ({"NEWSWEAVE_FEED_FETCH_PAGES": "sometimes"}, "must be auto, always or never"),
    ],
)
def test_bad_values_name_the_setting_and_where_it_came_from(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(environ=env)


def test_bad_toml_names_the_file(tmp_path):
    config = tmp_path / "broken.toml"
    config.write_text("db = \n")
    with pytest.raises(SettingsError, match=r"broken\.toml is not valid TOML"):
        load_settings(config, environ={})
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_every_setting_has_help():
    assert all(help for _, _, help in Settings().describe())

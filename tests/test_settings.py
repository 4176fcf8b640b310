"""Settings come from CCIN_* variables; a bad value fails naming the key and the value."""

from __future__ import annotations

import pytest

from ccin.settings import ConfigurationError, load_settings


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CCIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CCIN_CORS_ORIGINS", "https://a.example, https://b.example/")
    settings = load_settings()
    assert settings.data_dir == tmp_path
    assert settings.cors_origin_list == ["https://a.example", "https://b.example"]


def test_bad_value_names_key_and_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCIN_RATE_LIMIT_PER_MINUTE", "lots")
    with pytest.raises(ConfigurationError) as error:
        load_settings()
    assert "CCIN_RATE_LIMIT_PER_MINUTE='lots'" in error.value.message


def test_chroma_url_needs_a_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCIN_CHROMA_URL", "localhost:8001")
    with pytest.raises(ConfigurationError, match="CCIN_CHROMA_URL='localhost:8001'"):
        load_settings()


def test_a_rate_limit_storage_that_cannot_be_opened_is_a_configuration_error_naming_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="CCIN_RATE_LIMIT_STORAGE='nosuch://x'"):
        load_settings(rate_limit_storage="nosuch://x")
    assert load_settings(rate_limit_storage="memory://").rate_limit_storage == "memory://"

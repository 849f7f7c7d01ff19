"""A missing browser skips the browser tests on a developer's machine and fails them in CI (CI=true, set by the
runner, where `make test` installs Chromium): a CI run must not pass without having opened a page."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests import test_browser


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr(test_browser, "CHROMIUM", str(tmp_path / "chromium"))


@pytest.mark.parametrize("ci", ["true", "1"])
def test_missing_chromium_fails_in_ci(no_chromium, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        test_browser.browser_api()


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_missing_chromium_skips_on_a_developers_machine(no_chromium, monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        test_browser.browser_api()


def test_missing_playwright_fails_in_ci(monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="playwright is not installed"):
        test_browser.browser_api()


def test_present_browser_is_used(monkeypatch):
    if not Path(test_browser.CHROMIUM).exists():
        pytest.skip("this machine has no Chromium")
    monkeypatch.setenv("CI", "true")
    assert hasattr(test_browser.browser_api(), "sync_playwright")

"""The committed example of .streamlit/secrets.toml: valid TOML whose [auth] section has the keys Streamlit's
st.login needs for one OpenID Connect provider (the same keys the browser tests' secrets carry, tests/oidc.py), and
the real secrets file is never committed."""

from __future__ import annotations

import subprocess
import tomllib

import pytest

from tests import oidc
from tests.test_browser import ROOT

EXAMPLE = ROOT / ".streamlit" / "secrets.toml.example"
AUTH_KEYS = {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"}


def test_the_example_configures_one_provider(tmp_path):
    auth = tomllib.loads(EXAMPLE.read_text())["auth"]
    assert set(auth) == AUTH_KEYS
    assert auth["redirect_uri"].startswith("https://") and auth["redirect_uri"].endswith("/oauth2callback")
    assert auth["server_metadata_url"].endswith("/.well-known/openid-configuration")
    written = tomllib.loads(oidc.write_secrets(tmp_path / "secrets.toml", "http://localhost:1", 2).read_text())
    assert set(written["auth"]) == AUTH_KEYS


def test_the_real_secrets_file_is_ignored_by_git():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT)
    assert ignored.returncode == 0

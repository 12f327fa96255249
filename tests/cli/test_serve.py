"""`plan-align serve` from the command line (the app itself: tests/web)."""
from __future__ import annotations


def test_serve_short_token_refused(run_cli):
    result = run_cli("serve", "--host", "0.0.0.0", "--token", "short")
    assert result.returncode == 1 and "Error: --token: use at least 8 characters" in result.stderr


def test_serve_unknown_language_refused(run_cli):
    result = run_cli("serve", "--lang", "fr")
    assert result.returncode == 1 and "Error: unknown language 'fr'" in result.stderr

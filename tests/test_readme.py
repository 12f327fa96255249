"""The README's Python API example runs as written against the real corpus."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_example(text: str) -> str:
    """The first ```python block of the "Python API" section."""
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_python_example_is_found_in_the_readme():
    assert "PlanAlign(" in python_example(README.read_text(encoding="utf-8"))


@pytest.mark.corpus
def test_readme_python_example_runs_and_prints_alignment_gaps_and_duplicates(corpus_dir, monkeypatch, capsys):
    monkeypatch.setenv("PLAN_ALIGN_CORPUS", str(corpus_dir))
    exec(compile(python_example(README.read_text(encoding="utf-8")), str(README), "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 5
    assert any(" against nq57: " in line for line in lines)
    assert any("duplicate pairs inside the plan" in line for line in lines)


def test_readme_cli_reference_names_every_registered_command():
    """A command added to align/cli/main.py without a row in the README's CLI reference fails here."""
    from align.cli.main import build_app

    app = build_app()
    names = [c.name for c in app.registered_commands]
    names += [f"{g.name} {c.name}" for g in app.registered_groups for c in g.typer_instance.registered_commands]
    section = README.read_text(encoding="utf-8").split("## CLI reference", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `plan-align ")]
    def listed(name: str) -> bool:
        group, _, sub = name.partition(" ")
        return any(re.search(rf"`plan-align {re.escape(group)}[ `]", row) and
                   (not sub or re.search(rf"(?<![\w-]){re.escape(sub)}(?![\w-])", re.split(r"(?<!\\)\|", row)[1]))
                   for row in rows)
    assert [n for n in names if not listed(n)] == []

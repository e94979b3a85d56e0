"""The meeting template in data/meetings/ stays in step with the shapes: filled in, it conforms."""

from __future__ import annotations

from pathlib import Path

import pytest

from r2p_graph.cli import main

from .conftest import DATA

TEMPLATE = DATA / "meetings" / "TEMPLATE.ttl.example"

#: What a maintainer would type for each placeholder.
FILLED = {
    "doc:<A-80-NNN>": "doc:A-78-901",
    '"<N>"': '"50"',
    "<ga-release>": "ga99999",
    "<https://<the page that gives the count>>": "<https://example.org/count>",
    "<https://<the state's own statement>>": "<https://example.org/dnk>",
    "<at most 15 words, exactly as the source has them>": "We stand ready to act",
}


def uncommented(text: str) -> str:
    """The template's Turtle: every line from the first prefix on, without its ``# ``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# @prefix"))
    return "\n".join(line[2:] if line.startswith("# ") else "" for line in lines[start:]) + "\n"


def test_the_template_is_not_read_by_the_build() -> None:
    from r2p_graph.pipeline.files import discover

    assert TEMPLATE.is_file()
    assert TEMPLATE not in discover([DATA])


def test_the_filled_template_conforms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = uncommented(TEMPLATE.read_text(encoding="utf-8"))
    for placeholder, value in FILLED.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value)
    assert "<https://<" not in text and '"<' not in text, "a placeholder is left"
    meeting = tmp_path / "2026.ttl"
    meeting.write_text(text, encoding="utf-8")
    assert main(["validate", str(meeting)]) == 0, capsys.readouterr().out[-3000:]
    assert "conforms: 0 violation(s), 0 warning(s)" in capsys.readouterr().out

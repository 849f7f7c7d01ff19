"""bench/RESULTS.md is written by several benchmarks, each owning the sections under its own `## ` headings."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def split_sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first `## ` heading, and (heading line, body) of each section after it."""
    head, sections, current = [], [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            current = [line.rstrip("\n"), ""]
            sections.append(current)
        elif current is None:
            head.append(line)
        else:
            current[1] += line
    return "".join(head), [(h, b) for h, b in sections]


def replace_section(heading: str, body: str, path: Path = RESULTS) -> None:
    """Put `body` under `heading` (a `## ` line), in place of that section if the file has it, else at the end."""
    head, sections = split_sections(path.read_text() if path.exists() else "# Benchmark results\n\n")
    new = (heading, "\n" + body.strip("\n") + "\n\n")
    if any(h == heading for h, _ in sections):
        sections = [new if h == heading else (h, b) for h, b in sections]
    else:
        sections.append(new)
    sections = [(h, b.rstrip("\n") + "\n\n") for h, b in sections]  # the file's last section had lost its blank line
    path.write_text((head + "".join(h + "\n" + b for h, b in sections)).rstrip("\n") + "\n")


def sections_except(headings: set[str], path: Path = RESULTS) -> str:
    """The sections of the file whose headings are not in `headings`: what other benchmarks wrote."""
    _, sections = split_sections(path.read_text() if path.exists() else "")
    return "".join(h + "\n" + b for h, b in sections if h not in headings)

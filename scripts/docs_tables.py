"""Regenerate the generated tables of docs/modelled.md from the families (tests/unit/test_docs.py checks them).

python scripts/docs_tables.py
"""

from __future__ import annotations

from pathlib import Path

from tfreach.families import modelled_table, unmodelled_table

DOC = Path(__file__).resolve().parent.parent / "docs" / "modelled.md"


def replaced(text: str, marker: str, table: str) -> str:
    head, rest = text.split(f"<!-- generated: {marker} -->\n")
    _, tail = rest.split("<!-- end generated -->", 1)
    return f"{head}<!-- generated: {marker} -->\n{table}<!-- end generated -->{tail}"


def main() -> None:
    text = DOC.read_text()
    text = replaced(text, "modelled types", modelled_table())
    text = replaced(text, "not modelled yet", unmodelled_table())
    DOC.write_text(text)


if __name__ == "__main__":
    main()

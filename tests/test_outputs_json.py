"""The JSON output is written with orjson from the data each Document was validated from (issue 11):
byte for byte what pydantic's serializer gives, for every sample and fixture, in both scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

import govplan
from govplan.export import to_json

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted((ROOT / "samples").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures").glob("*.txt")) + \
    sorted((ROOT / "tests" / "fixtures" / "layout").glob("*.txt"))


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_orjson_output_is_pydantics(path: Path, script: str) -> None:
    doc = govplan.parse_file(path, script=script)
    assert doc.built_data() is not None
    assert to_json(doc) == doc.model_dump_json(indent=2) + "\n"


def test_a_copy_is_written_from_its_fields() -> None:
    doc = govplan.parse_text("一、总体要求\n（一）推进共享。（市政数局牵头）\n")
    copy = doc.model_copy(update={"govplan_version": "0.0.0"})
    assert copy.built_data() is None and '"govplan_version": "0.0.0"' in to_json(copy)

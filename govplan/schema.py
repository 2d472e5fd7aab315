"""The JSON Schema of the output records (checked in as ``schemas/document.schema.json``)."""

from __future__ import annotations

import json

from .records import Document

SCHEMA_ID = "https://govplan.invalid/schemas/document.schema.json"


def schema_dict() -> dict[str, object]:
    schema = Document.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_json() -> str:
    return json.dumps(schema_dict(), ensure_ascii=False, indent=2) + "\n"

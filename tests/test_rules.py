"""Rule packs: every pattern matches its examples; bad packs fail with a message naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from govplan.rules import PACK_FILES, RuleError, bundled_rules, check_examples, load_rules, rules_dir


def test_bundled_examples_match() -> None:
    assert check_examples(bundled_rules()) == []


def test_every_pack_file_exists() -> None:
    for name in PACK_FILES:
        assert (rules_dir() / f"{name}.yaml").is_file()


def test_user_pack_extends_lists(tmp_path: Path) -> None:
    pack = tmp_path / "mine.yaml"
    pack.write_text(
        "units:\n  role_cues:\n    - cue: '主抓'\n      role: lead\n      examples: ['主抓']\n", encoding="utf-8"
    )
    rules = load_rules(pack)
    assert rules.units.role_cues[0].cue == "主抓"
    assert len(rules.units.role_cues) == len(bundled_rules().units.role_cues) + 1


def test_user_pack_cue_is_used(tmp_path: Path) -> None:
    import govplan

    pack = tmp_path / "mine.yaml"
    pack.write_text("units:\n  role_cues:\n    - cue: '主抓'\n      role: lead\n", encoding="utf-8")
    text = "一、总体要求\n(一)建设平台。做好工作。(市数据局主抓)\n(二)完善机制。(市财政局负责)\n"
    plain = govplan.parse_text(text)
    assert plain.plans[0].items[0].children[0].units == []
    custom = govplan.parse_text(text, rules=pack)
    assert [(u.name, u.role) for u in custom.plans[0].items[0].children[0].units] == [("市数据局", "lead")]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("units:\n  role_cues:\n    - cue: '牵头'\n      role: boss\n", "units.role_cues.0.role"),
        ("numbering:\n  schemes:\n    - name: x\n      family: x\n      pattern: '(unclosed'\n",
         "numbering.schemes.0.pattern"),
        ("colours: {}\n", "unknown top-level key 'colours'"),
        ("- a\n- b\n", "must be a mapping"),
        ("units: [unclosed\n", "not valid YAML"),
        ("document:\n  table_columns:\n    owner: '^x$'\n", "unknown column 'owner'"),
    ],
)
def test_bad_pack_names_the_problem(tmp_path: Path, content: str, needle: str) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text(content, encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rules(pack)
    assert needle in str(err.value)
    assert str(pack) in str(err.value)


def test_example_that_does_not_match_is_reported(tmp_path: Path) -> None:
    pack = tmp_path / "mine.yaml"
    pack.write_text("units:\n  role_cues:\n    - cue: '主抓'\n      role: lead\n      examples: ['牵头']\n",
                    encoding="utf-8")
    problems = check_examples(load_rules(pack))
    assert any("主抓" in p and "牵头" in p for p in problems)

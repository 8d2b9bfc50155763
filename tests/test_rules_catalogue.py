"""The catalogue of validation rules (`toolkit/catalogue.py`, shown in docs/rules.md) is the rules
the toolkit can report: every rule name it can emit is in it, and nothing in it is dead.

Rule names are found three ways: in the code (the names passed where a problem's rule goes), in
jsonschema (every keyword whose check reports under its own name, which `explain` passes on),
and by validating hostile inputs (what a run really reports)."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import jsonschema
import pytest

import toolkit
from toolkit.catalogue import BY_NAME, RULES

ROOT = Path(__file__).resolve().parent.parent
RULE_SHAPE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _rule_like(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(RULE_SHAPE.match(node.value))


def _message_like(node: ast.AST) -> bool:
    """A message: an f-string, a call that makes one, or a text with spaces."""
    return isinstance(node, (ast.JoinedStr, ast.Call)) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value
    )


def rules_in_code() -> dict[str, set[str]]:
    """Rule names written in toolkit/, with the modules that write them: `rule=` arguments, the
    rule of `Problem(...)` and of `x.problem(pointer, rule, message)`, the default of a `rule`
    parameter, and the rule of the (pointer, rule, message) tuples the rule functions yield."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        names: list[ast.AST] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                names += [k.value for k in node.keywords if k.arg == "rule"]
                if called == "Problem" and len(node.args) > 4:
                    names.append(node.args[4])
                if isinstance(node.func, ast.Attribute) and called in ("problem", "fail"):
                    names += node.args  # the pointer starts with "/", the message has spaces
            elif isinstance(node, ast.FunctionDef):
                arguments = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults
                defaults += node.args.kw_defaults
                names += [d for a, d in zip(arguments, defaults) if a.arg == "rule" and d is not None]
            elif isinstance(node, ast.Yield) and isinstance(node.value, ast.Tuple):
                if any(_message_like(e) for e in node.value.elts):
                    names += node.value.elts
        for name in names:
            if _rule_like(name):
                found.setdefault(name.value, set()).add(path.relative_to(ROOT).as_posix())  # type: ignore[attr-defined]
    return found


def keywords_that_report() -> set[str]:
    """The 2020-12 keywords whose own check makes an error (the others only look inside values,
    whose errors carry the inner keyword)."""
    validators = jsonschema.Draft202012Validator.VALIDATORS
    return {name for name, check in validators.items() if "ValidationError(" in inspect.getsource(check)}


VALID = {"id": "a-claim", "speaker": "A Speaker", "claim": "Something was said.", "date": "2018-12-04", "status": "true"}


def _record(**changes) -> str:
    record = {**VALID, **changes}
    return json.dumps({k: v for k, v in record.items() if v is not None})


# Hostile and broken inputs of the kinds the suite's tests use (tests/test_hostile_input.py,
# test_validate.py, test_input_safety.py): file name -> bytes.
CASES: dict[str, dict[str, bytes]] = {
    "syntax": {"a.yaml": b"id: [unclosed\n"},
    "utf16": {"a.yaml": "id: x\n".encode("utf-16")},
    "not-utf8": {"a.json": b'{"id": "\xff"}'},
    "nul": {"a.yaml": b"id: a\x00b\n"},
    "empty": {"a.yaml": b""},
    "empty-list": {"a.json": b"[]"},
    "csv-no-rows": {"a.csv": b"id,speaker\n"},
    "deep-json": {"a.json": b"[" * 5000 + b"]" * 5000},
    "deep-yaml": {"a.yaml": b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n"},
    "alias": {"a.yaml": b"id: &x a-claim\nspeaker: *x\n"},
    "tag": {"a.yaml": b"id: a-claim\nspeaker: !!binary aGVsbG8=\n"},
    "duplicate-key": {"a.json": b'{"id": "a", "id": "b"}'},
    "nan": {"a.json": b'{"id": NaN}'},
    "long-number": {"a.json": b'{"id": 1' + b"1" * 5000 + b"}"},
    "jsonl-list": {"a.jsonl": b"[1, 2]\n"},
    "csv-header": {"a.csv": b"id,,Speaker\na,b,c\n"},
    "csv-row": {"a.csv": b"id,speaker\na\n"},
    "file-name": {"\udcff.yaml": _record().encode()},
    "duplicates": {"a.jsonl": (_record() + "\n" + _record() + "\n" + _record(id="b-claim") + "\n").encode()},
    "future": {"a.json": _record(date="2999-01-01").encode()},
    "history": {
        "a.json": _record(history=[{"date": "2018-12-03", "status": "false"}, {"date": "2018-01-01", "status": "true"}]).encode()
    },
    "surrogate": {"a.json": b'{"id": "a-claim", "speaker": "A", "claim": "x\\ud800y", "date": "2018-12-04", "status": "true"}'},
    "control": {"a.json": _record(speaker="A\u0007B").encode()},
    "bidi": {"a.json": _record(claim="abc \u202e def").encode()},
    "invisible": {"a.json": _record(claim="\u200b\u200b").encode()},
    "schema": {
        "a.jsonl": "\n".join(
            [
                _record(id="b", speakr="x"),
                _record(id="c", speaker=None),
                _record(id="d", speaker=5),
                _record(id="e", status="half true"),
                _record(id="Not An Id"),
                _record(id="f", claim=""),
                _record(id="g", date="2018-02-30"),
                _record(id="h", sources=[{"url": "not a web address"}]),
                _record(id="i", tags=["a", "a"]),
            ]
        ).encode()
    },
    "speakers": {"a.json": _record().encode(), "speakers.yaml": b"- name: A\n  aliases: [B]\n- name: B\n"},
}

def _reported(tmp_path: Path, files: dict[str, bytes], schema: Path | None = None) -> set[tuple[str, str]]:
    for name, data in files.items():
        (tmp_path / name.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")).write_bytes(data)
    result = toolkit.validate([str(tmp_path)], schema)
    return {(p.rule, p.severity) for p in result.problems}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_rule_a_hostile_input_gets_is_in_the_catalogue(tmp_path, case):
    reported = _reported(tmp_path, CASES[case])
    assert reported, f"{case}: no problem reported"
    for rule, severity in reported:
        assert rule in BY_NAME, f"{case}: the rule {rule!r} is reported but not in toolkit/catalogue.py"
        assert BY_NAME[rule].severity == severity, f"{case}: {rule!r} is reported as {severity}"


def test_a_false_schema_is_reported_under_a_rule_of_the_catalogue(tmp_path):
    """jsonschema names no keyword for `false`: the problem had the rule null before."""
    schema = json.loads((ROOT / "schema" / "claim.schema.json").read_text(encoding="utf-8"))
    schema["$id"] = "https://desk.example/claim.schema.json"
    schema["properties"]["secret"] = {"type": "string"}
    schema["if"], schema["then"] = {"required": ["secret"]}, False
    (tmp_path / "desk.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "a.json").write_text(_record(secret="x"), encoding="utf-8")
    reported = toolkit.validate([str(claims)], str(tmp_path / "desk.schema.json")).problems
    assert [(p.rule, p.pointer) for p in reported] == [("falseSchema", "")]
    assert "false" in reported[0].message


def test_every_rule_the_code_writes_is_in_the_catalogue():
    found = rules_in_code()
    assert {"syntax", "duplicate-id", "future-date", "surrogate", "yaml-alias"} <= set(found)
    missing = {name: sorted(where) for name, where in found.items() if name not in BY_NAME}
    assert not missing, f"rules written in the code but not in toolkit/catalogue.py: {missing}"


def test_every_schema_keyword_that_reports_is_in_the_catalogue():
    keywords = keywords_that_report()
    assert {"required", "type", "enum", "additionalProperties", "pattern"} <= keywords
    missing = sorted(keywords - set(BY_NAME))
    assert not missing, f"schema keywords `explain` reports under, missing from toolkit/catalogue.py: {missing}"


def test_no_rule_of_the_catalogue_is_dead():
    """Each entry is written in the code, is a keyword that reports, or was seen in a run above
    (falseSchema: jsonschema names no keyword for `false`)."""
    assert len(BY_NAME) == len(RULES), "a rule is named twice in the catalogue"
    alive = set(rules_in_code()) | keywords_that_report() | {"falseSchema"}
    dead = [rule.name for rule in RULES if rule.name not in alive]
    assert not dead, f"rules in toolkit/catalogue.py that nothing reports: {dead}"


def test_the_hostile_inputs_reach_the_catalogue(tmp_path):
    """The runs are not a formality: together they report every rule of the file and the
    toolkit but four, which the code writes where no validation of plain files goes: a folder
    that cannot be read and a special file (not made here: the suite may run as root), and the
    build's own (a number too large for the table, `build --strict`'s status conflicts)."""
    seen = set()
    for case, files in CASES.items():
        folder = tmp_path / case
        folder.mkdir()
        seen |= {rule for rule, _ in _reported(folder, files)}
    (tmp_path / "nothing-here").mkdir()
    (tmp_path / "notes.txt").write_text("not a claim", encoding="utf-8")
    given = toolkit.validate([str(tmp_path / "nothing-here"), str(tmp_path / "notes.txt")])
    seen |= {p.rule for p in given.problems}
    own = {rule.name for rule in RULES if rule.origin != "schema"}
    assert own - seen == {"io", "unreadable", "status-conflict", "too-large"}

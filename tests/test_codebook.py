"""Codebooks: the default ships and validates; bad files name the field and the problem."""

import json

import pytest

from annotator.codebook import CodebookError, default_codebook, load_codebook, validate


def test_default_codebook_has_spec_labels_and_keys():
    book = default_codebook()
    keys = {label["name"]: label["key"] for label in book["span_labels"]}
    assert keys == {"ACTOR": "a", "EVENT": "e", "SOURCE": "s", "CUE": "c", "CONTENT": "q",
                    "LOCATION": "l", "TIME": "t"}
    types = {t["name"] for t in book["event_types"]}
    assert {"AGREE", "RETREAT", "ASSAULT", "SANCTION"} <= types and len(types) == 17
    retreat = next(t for t in book["event_types"] if t["name"] == "RETREAT")
    assert "release" in retreat["modes"]
    assert book["argument_roles"] == ["actor", "recipient", "location", "time", "instrument",
                                      "theme"]


def test_errors_name_the_field_and_the_problem():
    with pytest.raises(CodebookError) as error:
        validate({"span_labels": [{"name": "ACTOR", "key": "a"},
                                  {"name": "actor", "key": "a", "colour": "blue"}]})
    problems = error.value.problems
    assert "span_labels[1].name: 'actor' is not a label name (A-Z, 0-9, _)" in problems
    assert "span_labels[1].key: 'a' is already the key of ACTOR" in problems
    assert any(p.startswith("span_labels[1].colour") for p in problems)


def test_yaml_file_with_python_tags_is_refused_not_executed(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("span_labels: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(Exception, match="not valid YAML"):
        load_codebook(path)


def test_json_codebook_loads(tmp_path):
    path = tmp_path / "book.json"
    path.write_text(json.dumps({"name": "mini", "span_labels": [{"name": "PER", "key": "p"}]}))
    book = load_codebook(path)
    assert book["span_labels"][0]["name"] == "PER"
    assert book["event_types"] == []

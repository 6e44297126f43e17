"""Codebook patterns run in linear time: no pattern can make checking a value take minutes."""

import time

import pytest

from annotator.codebook import CodebookError, attribute_problems, validate


def book_with_pattern(pattern) -> dict:
    return {"span_labels": [{"name": "ACTOR", "attributes": [
        {"name": "country", "pattern": pattern}]}]}


def country_field(pattern: str) -> list[dict]:
    return validate(book_with_pattern(pattern))["span_labels"][0]["attributes"]


def test_a_catastrophic_pattern_checks_a_value_at_once():
    fields = country_field("^(a+)+$")
    started = time.perf_counter()
    # Python's backtracking engine takes seconds on 26 letters, minutes on 34.
    problems = attribute_problems(fields, {"country": "a" * 34 + "!"}, "span")
    assert time.perf_counter() - started < 0.5
    assert problems == ["span.country: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' does not match "
                        "^(a+)+$"]
    assert attribute_problems(fields, {"country": "a" * 100_000}, "span") == []


def test_patterns_match_from_the_start_of_the_value_as_before():
    fields = country_field("[A-Z]{3}")
    assert attribute_problems(fields, {"country": "UKRx"}, "s") == []
    assert attribute_problems(fields, {"country": "xUKR"}, "s") == [
        "s.country: 'xUKR' does not match [A-Z]{3}"]


@pytest.mark.parametrize("pattern, reason", [
    (r"^(a)\1$", "invalid escape sequence"),
    (r"^(?=a)a$", "invalid perl operator"),
    ("^(a", "missing )"),
    (42, "is not a regular expression"),
])
def test_patterns_a_linear_engine_cannot_run_are_refused_when_loading(pattern, reason):
    with pytest.raises(CodebookError) as caught:
        validate(book_with_pattern(pattern))
    assert "span_labels[0].attributes[0].pattern:" in caught.value.message
    assert reason in caught.value.message

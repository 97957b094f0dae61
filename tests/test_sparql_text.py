"""Query text shared by `kg query` and `kg serve`: predeclared prefixes written in front of
a query, and parser errors on one line at the user's own position."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from kg.sparql_text import declared_prefixes, tidy_error, with_prefixes

PREFIXES = {"kgo": "https://w3id.org/kg/ontology#", "entity": "https://x.org/entity/"}


def _parser_error(text: str) -> str:
    with pytest.raises(SyntaxError) as err:
        Store().query(text)
    return str(err.value)


def test_declared_prefixes_are_read_from_the_text():
    text = "prefix kgo: <a:>\nPREFIX  : <b:>\nPREFIX x.y-z:<c:> SELECT * {}"
    assert declared_prefixes(text) == {"kgo", "", "x.y-z"}


def test_only_the_missing_prefixes_are_added_on_one_line_before_the_query():
    text = "PREFIX kgo: <https://example.org/mine#>\nASK { ?e a kgo:Model }"
    new, added = with_prefixes(text, PREFIXES)
    assert added == 1
    assert new == "PREFIX entity: <https://x.org/entity/>\n" + text
    assert with_prefixes("PREFIX kgo: <a:> PREFIX entity: <b:> ASK {}", PREFIXES)[1] == 0


def test_a_query_with_added_prefixes_runs():
    new, _ = with_prefixes("ASK { entity:a a kgo:Model }", PREFIXES)
    assert bool(Store().query(new)) is False


def test_an_undeclared_prefix_is_named_at_the_users_own_line():
    text = "SELECT ?e WHERE {\n  ?e a nope:Model\n}"
    new, added = with_prefixes(text, PREFIXES)
    message = tidy_error(_parser_error(new), text, added, PREFIXES)
    assert message == ("error at 2:18: the prefix nope: is not declared; add a PREFIX line "
                       "for it (predeclared: entity:, kgo:)")


def test_unicode_range_lists_are_left_out_and_the_message_is_one_line():
    text = "SELECT ?x WHERE { ?x ?y ?z . ?x a kgo:M-"
    raw = _parser_error(text)
    message = tidy_error(raw, text)
    assert "\n" not in message and "\\u{" not in message
    assert message.startswith("error at 1:")


def test_a_message_without_a_position_is_kept_on_one_line():
    assert tidy_error("something\n  went wrong", "ASK {}") == "something went wrong"

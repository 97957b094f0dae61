"""kg.graph.iri mints valid, readable, injective IRIs from any id, name or title."""

from __future__ import annotations

import pytest
import rdflib
from hypothesis import example, given
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from kg.graph import iri as I  # noqa: N812
from kg.graph.rdf import node_id_of

NASTY = [
    "", " ", ".", "..", "-", "%", "%20", "%2D", "a b", "a/b", "a\\b", "a?b#c", "<x>", '"q"',
    "{}|\\^`", "tab\tnew\nline\r", "Zoë Ångström", "模型-7B 🤖", "שלום", "e\u0301",
    "\ufeffbom\u200bzw\u200d", "line\u2028sep\u2029", "\x00nul\x7fdel\x85nel",
    "\ud800 lone \udfff", "\U0010fffd", "\ufffe\uffff", "\ue000private", "~user@host:8080",
    "GPT-4", "chain-of-thought--method",
]


def _valid_everywhere(iri: str) -> None:
    """pyoxigraph accepts it, and an N-Triples line with it parses in both libraries."""
    node = NamedNode(iri)
    nt = serialize([Triple(node, node, Literal("x"))], format=RdfFormat.N_TRIPLES)
    assert [q.subject for q in parse(nt, format=RdfFormat.N_TRIPLES)] == [node]
    g = rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")
    assert {str(s) for s, _, _ in g} == {iri}


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_every_minted_iri_is_valid(text):
    for iri in (I.paper_iri(text), I.entity_iri(text), I.code_iri(text), I.result_iri(text),
                I.author_iri(text), I.node_iri(f"paper:{text}"), I.node_iri(text),
                I.statement_iri(f"entity:{text}", "usedFor", f"paper:{text}"),
                I.evidence_iri(I.statement_iri("paper:p", "uses", "entity:e"), text, text, 0, 3)):
        assert iri.startswith(I.DEFAULT_BASE)
        _valid_everywhere(iri)


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_segments_never_contain_iri_delimiters_or_spaces(text):
    seg = I.segment(text)
    assert seg
    assert not set(seg) & set(" /?#[]<>\"{}|\\^`\t\n\r\x00\u2028\u200b\ufeff")
    assert seg not in (".", "..")


def test_segments_are_injective():
    segs = [I.segment(t) for t in NASTY]
    assert len(set(segs)) == len(NASTY)


@given(st.text())
@example("\U000E0100")  # a variation selector: plane 14 before U+E1000 is not ucschar
@example("\U000E0001\U000E0FFF\U000E1000")
def test_any_text_mints_a_valid_iri_that_reads_back(text):
    node = f"entity:{text}"
    iri = I.node_iri(node)
    NamedNode(iri)
    assert node_id_of(iri, I.DEFAULT_BASE) == node


@given(st.text(), st.text())
def test_different_ids_never_share_an_iri(a, b):
    if a != b:
        assert I.paper_iri(a) != I.paper_iri(b)
        assert I.statement_iri(f"paper:{a}", "uses", "entity:x") != \
            I.statement_iri(f"paper:{b}", "uses", "entity:x")


def test_iris_stay_readable():
    assert I.entity_iri("chain-of-thought") == "https://w3id.org/kg/resource/entity/chain-of-thought"
    assert I.paper_iri("2401.08967") == "https://w3id.org/kg/resource/paper/2401.08967"
    assert I.author_iri("Zoë Ångström") == "https://w3id.org/kg/resource/author/Zoë%20Ångström"
    assert I.node_iri("result:p1:0") == "https://w3id.org/kg/resource/result/p1:0"
    assert I.node_iri("code:https://github.com/x/y").endswith("code/https:%2F%2Fgithub.com%2Fx%2Fy")
    assert I.statement_iri("paper:p1", "proposes", "entity:reft") == (
        "https://w3id.org/kg/resource/statement/paper/p1/proposes/entity/reft")
    assert I.evidence_iri("s", "p1", "abstract", 3, 9) == "s/evidence/p1/abstract/3-9"
    assert I.evidence_iri("s", "p1", "abstract", 3, 9, repeat=2) == "s/evidence/p1/abstract/3-9-2"


def test_special_segments_have_reserved_spellings():
    assert [I.segment(t) for t in ("", "-", ".", "..")] == ["-", "%2D", "%2E", "%2E%2E"]
    assert I.segment("%") == "%25"


def test_a_trailing_dot_is_encoded_so_rdflib_reads_the_turtle():
    """pyoxigraph writes ``<…/form/0.>`` as ``p:form\\/0\\.``, valid Turtle that rdflib's
    parser rejects; the segment ends in ``%2E`` instead (found by hypothesis: a name "0.")."""
    assert [I.segment(t) for t in ("0.", "Jr.", "a.b", "x y.")] == [
        "0%2E", "Jr%2E", "a.b", "x%20y%2E"]
    assert node_id_of(I.node_iri("entity:0.", I.DEFAULT_BASE), I.DEFAULT_BASE) == "entity:0."
    iri = NamedNode(I.DEFAULT_BASE + "entity/0/form/" + I.segment("0."))
    ttl = serialize([Triple(iri, iri, iri)], format=RdfFormat.TURTLE,
                    prefixes={"entity": I.DEFAULT_BASE + "entity/"})
    assert {str(s) for s in rdflib.Graph().parse(data=ttl.decode(), format="turtle").subjects()
            } == {iri.value}


def test_base_iri_is_configurable_and_checked():
    assert I.check_base(None) == I.DEFAULT_BASE == "https://w3id.org/kg/resource/"
    assert I.check_base("https://example.org/kg") == "https://example.org/kg/"
    assert I.check_base("http://example.org/ns#") == "http://example.org/ns#"
    assert I.paper_iri("p1", "https://example.org/kg/") == "https://example.org/kg/paper/p1"
    for bad in ("example.org/kg", "ftp://x.org/", "https://x.org/a b/", "https://x.org/?q=1",
                "https://x.org/#frag/"):
        with pytest.raises(ValueError):
            I.check_base(bad)


def test_unknown_node_kinds_still_mint_valid_iris():
    iri = I.node_iri("weird id with spaces")
    assert iri == "https://w3id.org/kg/resource/node/weird%20id%20with%20spaces"
    assert node_id_of(iri, I.DEFAULT_BASE) == "weird id with spaces"

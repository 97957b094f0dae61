"""ontology/: the OWL ontology declares every term the exports use, aligns with standard
vocabularies, and the shapes and README examples are themselves valid."""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
import rdflib
from pyoxigraph import RdfFormat, parse
from rdflib import OWL, RDF, RDFS, URIRef
from test_rdf_corpus import corpus

from kg.graph.rdf import KGO, to_triples

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY = ONTOLOGY_DIR / "kg.ttl"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
README = ONTOLOGY_DIR / "README.md"
K = rdflib.Namespace(KGO)
SCHEMA = rdflib.Namespace("https://schema.org/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SKOS = rdflib.SKOS
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY)


def test_ontology_parses_in_both_libraries_and_has_metadata(onto):
    assert list(parse(path=str(ONTOLOGY), format=RdfFormat.TURTLE))
    o = URIRef("https://w3id.org/kg/ontology")
    assert (o, RDF.type, OWL.Ontology) in onto
    assert onto.value(o, OWL.versionInfo) is not None
    assert onto.value(o, OWL.versionIRI) is not None
    assert str(onto.value(o, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"))) == KGO


def test_every_kgo_term_the_exports_use_is_declared_with_a_label(onto):
    used = set()
    for t in to_triples(corpus()):
        used.add(t.predicate.value)
        if t.predicate.value == str(RDF.type):
            used.add(t.object.value)
    kgo_terms = {u for u in used if u.startswith(KGO)}
    assert len(kgo_terms) > 40
    for term in sorted(kgo_terms):
        ref = URIRef(term)
        kinds = set(onto.objects(ref, RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, term
        assert onto.value(ref, RDFS.label) is not None, term
        assert onto.value(ref, RDFS.isDefinedBy) is not None, term


def test_every_class_has_a_comment(onto):
    declared = {s for s in onto.subjects(RDF.type, None) if str(s).startswith(KGO)}
    classes = {s for s in declared if (s, RDF.type, OWL.Class) in onto}
    for c in classes:
        assert onto.value(c, RDFS.comment) is not None, c


@pytest.mark.parametrize("sub, sup", [
    (K.Method, K.Entity), (K.Model, K.Entity), (K.Dataset, K.Entity), (K.Task, K.Entity),
    (K.Metric, K.Entity), (K.Paper, SCHEMA.ScholarlyArticle), (K.Paper, PROV.Entity),
    (K.Entity, SKOS.Concept), (K.Dataset, SCHEMA.Dataset),
    (K.CodeRepository, SCHEMA.SoftwareSourceCode), (K.Statement, RDF.Statement),
    (K.Statement, PROV.Entity), (K.Evidence, PROV.Entity),
])
def test_classes_align_with_standard_vocabularies(onto, sub, sup):
    assert (sub, RDFS.subClassOf, sup) in onto


def test_model_and_method_are_separate_disjoint_classes(onto):
    assert (K.Model, RDFS.subClassOf, K.Method) not in onto
    q = """ASK { ?d a owl:AllDisjointClasses ; owl:members/rdf:rest*/rdf:first kgo:Model ,
                 kgo:Method , kgo:Dataset , kgo:Task , kgo:Metric }"""
    assert onto.query(q, initNs={"owl": OWL, "rdf": RDF, "kgo": K}).askAnswer


@pytest.mark.parametrize("prop, sup", [
    (K.mentions, SCHEMA.mentions), (K.evidence, PROV.wasDerivedFrom),
    (K.variantOf, SKOS.broader), (K.appearsIn, rdflib.DCTERMS.isReferencedBy),
    (K.arxivId, rdflib.DCTERMS.identifier), (K.link, SCHEMA.url),
])
def test_properties_align_with_standard_vocabularies(onto, prop, sup):
    assert (prop, RDFS.subPropertyOf, sup) in onto


def test_shapes_are_valid_shacl():
    shapes = rdflib.Graph().parse(SHAPES)
    assert len(shapes) > 100
    conforms, _, report = pyshacl.validate(
        rdflib.Graph().parse(data="", format="turtle"), shacl_graph=shapes, meta_shacl=True)
    assert conforms, report


def _readme_block(lang: str) -> str:
    blocks = re.findall(rf"```{lang}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, lang
    return blocks[0]


def test_readme_example_triples_use_only_declared_terms(onto):
    example = rdflib.Graph().parse(data=_readme_block("turtle"), format="turtle")
    assert len(example) > 20
    declared = set(onto.subjects())
    for _, p, o in example:
        for term in (p, o):
            if isinstance(term, URIRef) and str(term).startswith(KGO):
                assert term in declared, term


def test_readme_has_a_diagram_and_names_lpwc_and_cskg():
    text = README.read_text(encoding="utf-8")
    assert "```mermaid" in text
    assert "Linked Papers With Code" in text and "CS-KG" in text

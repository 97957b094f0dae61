"""Turn the processed title and abstract docs of one paper into its ``Extraction``.

The decisions over one paper, in order: group the mentions of both docs into candidate
entities (:mod:`.grouping`), drop those that are not names (:mod:`.keep`), decide each
one's type (:mod:`.types`) and role (:mod:`.roles`), then map the sentence rules' relation
and result candidates onto the kept names (:mod:`.relations`, :mod:`.results`).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.extract.doc.code_links import find_code_links
from kg.extract.doc.results import sentence_results
from kg.extract.doc.views import doc_text
from kg.extract.paper.grouping import candidate_entities
from kg.extract.paper.keep import EntityKeep
from kg.extract.paper.relations import RelationKeep, main_contribution, paper_relations
from kg.extract.paper.results import paper_results
from kg.extract.paper.roles import PaperRoles, mark_variants_of_proposed
from kg.extract.paper.types import PaperTypes
from kg.records import Extraction, Paper
from kg.util.normalize import name_key


def paper_extraction(paper: Paper, title: Doc, abstract: Doc,
                     roles: PaperRoles | None = None,
                     keep: EntityKeep | None = None,
                     relation_keep: RelationKeep | None = None,
                     types: PaperTypes | None = None) -> Extraction:
    """The ``Extraction`` record of ``paper`` from its processed title and abstract.

    ``keep`` (the pipeline's ``kg_entity_keep`` component) drops candidates that are not
    names, before types, roles and relations are decided; ``types`` (``kg_paper_types``)
    has the final say on each entity's type and ``roles`` (``kg_paper_roles``) on its
    role; ``relation_keep`` (``kg_relation_keep``) scores the relation candidates. Without
    them every candidate stays and the NER's type votes and the rules' roles stand.
    """
    docs = {"title": title, "abstract": abstract}
    candidates = candidate_entities(title, abstract)
    entities, spans_of, defined = candidates.entities, candidates.spans_of, candidates.defined
    mark_variants_of_proposed(entities)
    if keep is not None:
        kept = [keep.keep(entity, items, any(name_key(e.text) in defined for _, e in items))
                for entity, items in zip(entities, spans_of, strict=True)]
        entities = [e for e, k in zip(entities, kept, strict=True) if k]
        spans_of = [s for s, k in zip(spans_of, kept, strict=True) if k]
    if types is not None:
        for entity, items in zip(entities, spans_of, strict=True):
            entity.type = types.decide(entity, items)
    # name_key of any member form → entity name (dropped candidates name nothing)
    name_of = {name_key(e.text): entity.name
               for entity, items in zip(entities, spans_of, strict=True) for _, e in items}
    if roles is not None:
        for entity, items in zip(entities, spans_of, strict=True):
            entity.role = roles.decide(entity.role, entity.type, entity.source, items,
                                       abstract)
    # The sentences' results are read again with the paper's types beside each mention's
    # NER label (the results component saw only the labels), where some type differs.
    type_of = {name_key(e.text): entity.type
               for entity, items in zip(entities, spans_of, strict=True) for _, e in items}

    def paper_type(e: Span) -> str:
        return type_of.get(name_key(e.text), e.label_)

    for d in docs.values():
        if any(paper_type(e) != e.label_ for e in d.ents):
            d._.results = sentence_results(d, paper_type)
    main = main_contribution(entities)
    results = paper_results(docs, name_of, main.name if main is not None else None)
    relations = paper_relations(docs, name_of, entities, relation_keep, results)
    code = [url for _, _, url in find_code_links(doc_text(abstract))]
    return Extraction(id=paper.id, title=paper.title, entities=entities, relations=relations,
                      results=results, code=code)

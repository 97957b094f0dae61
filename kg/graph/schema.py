"""The graph's vocabulary as constants: node kinds, relation keys, attribute names.

Kept apart from :mod:`kg.graph.property_graph` (which documents what they mean) so that the
readers of exports — :func:`kg.load`, the RDF mapping, the view — name them without
importing the extractor.
"""

from __future__ import annotations

from kg.records import ROLES

SCHEMA_VERSION = "1"
NODE_KINDS = ("paper", "entity", "code", "result")
PAPER_ROLES = ROLES
ENTITY_RELATIONS = ("outperforms", "based_on", "evaluated_on", "used_for", "variant_of")
OTHER_RELATIONS = ("has_code", "reports", "result_for", "result_on", "result_metric")
RESULT_LINKS = (("entity", "result_for"), ("dataset", "result_on"), ("metric", "result_metric"))
#: Attributes holding lists or dicts (JSON-encoded in GraphML).
JSON_ATTRIBUTES = frozenset({"authors", "aliases", "alias_counts", "papers", "evidence"})

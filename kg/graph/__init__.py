"""The graph stage: resolved extractions as a typed networkx graph and as RDF.

- :mod:`kg.graph.schema`: node kinds, relations and attribute names (light constants);
- :mod:`kg.graph.property_graph`: the typed ``MultiDiGraph`` (its docstring is the schema);
- :mod:`kg.graph.rdf`: the mapping onto the project's ontology, and back;
- :mod:`kg.graph.iri`: the one function family that mints IRIs.
"""

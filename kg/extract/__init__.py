"""The extract stage: ``Paper`` records in, ``Extraction`` records out.

Two levels, one subpackage each:

- :mod:`kg.extract.doc`: spaCy components over one doc (tokenizer, sentences, candidate
  mentions — NER, gazetteer, abbreviations, merging, filters, mention types — and statement
  candidates — relations, results, code links);
- :mod:`kg.extract.paper`: decisions over one paper (grouping mentions into entities;
  keep, type, role, relations, results), each one module holding its features, its model
  and its factory.

:mod:`kg.extract.learn` is the one learner they share, :mod:`kg.extract.pipeline`
assembles, saves and loads the trained package, and :mod:`kg.extract.run` runs it over
papers.
"""

from kg.extract.run import extract, extractor_version

__all__ = ["extract", "extractor_version"]

"""Which export a build directory gives to kg query and kg serve."""

from __future__ import annotations

import pytest

from kg.util.rdf_files import rdf_file


def test_a_build_directory_gives_the_first_export_of_the_order_present(tmp_path):
    for name in ("graph.ttl", "graph.nt"):
        (tmp_path / name).write_text("")
    assert rdf_file(tmp_path, ("graph.nt", "graph.ttl")).name == "graph.nt"
    assert rdf_file(tmp_path, ("graph.ttl", "graph.nt")).name == "graph.ttl"


def test_a_directory_without_an_export_names_the_files_looked_for(tmp_path):
    with pytest.raises(FileNotFoundError, match="no graph.nt, graph.ttl or graph.jsonld"):
        rdf_file(tmp_path, ("graph.nt", "graph.ttl", "graph.jsonld"))


def test_a_file_of_another_format_is_refused_with_its_path(tmp_path):
    bad = tmp_path / "graph.graphml"
    bad.write_text("")
    with pytest.raises(ValueError, match=r"graph\.graphml: unknown RDF format \(expected "
                                         r"\.nt, \.ttl or a build directory\)"):
        rdf_file(bad, ("graph.nt", "graph.ttl"))

"""`kg serve` in a browser: the query editor at / runs a query that uses the predeclared
prefixes, and the page fetches nothing from outside the endpoint."""

from __future__ import annotations

import pytest
from test_rdf_corpus import corpus

from kg.export.rdf_files import write_rdf
from kg.serve import free_port, start_server
from kg.view.browser import browser, chromium_path

pytestmark = pytest.mark.browser

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if chromium_path() is None:
    pytest.skip("no Chromium at /usr/bin/chromium (or $KG_CHROMIUM); CI installs it",
                allow_module_level=True)


def test_the_editor_at_the_root_runs_a_query_with_predeclared_prefixes(tmp_path):
    write_rdf(corpus(), tmp_path)
    requests: list[str] = []
    with start_server(tmp_path, port=free_port()) as srv, browser() as b:
        page = b.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(srv.editor_url)
        page.wait_for_selector(".CodeMirror", timeout=30_000)
        page.evaluate("""() => document.querySelector('.CodeMirror').CodeMirror.setValue(
            'SELECT ?name WHERE { entity:gsm8k skos:prefLabel ?name }')""")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr td:has-text('GSM8K')", timeout=30_000)
        assert "1 result" in page.inner_text(".yasr")
    assert requests and all(u.startswith(srv.base_url + "/") for u in requests), requests

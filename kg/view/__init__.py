"""Building blocks of the interactive HTML view (:mod:`kg.export.html` assembles them).

``select`` picks what is drawn, ``groups`` finds its topics, ``layout`` places it,
``overview`` decides what the first screen names, ``style`` decides how it looks,
``payload`` turns it into escaped, browser-ready data, ``source`` reads a GraphML graph,
``browser`` drives headless Chromium (tests, benchmarks, screenshots) and ``demo`` makes
graphs to try it on. The page's own script and styles live in ``kg/data/view/``.
"""

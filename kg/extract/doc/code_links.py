"""Code and data repository links stated in an abstract.

Abstracts end with "Code: https://github.com/x/y." or "available at github.com/x/y" or
"Project page: name.github.io" (annotators count project pages as code links). The
URL is kept as written minus trailing punctuation and unbalanced closing brackets, which
sentence punctuation glues to it.
"""

from __future__ import annotations

import re

_URL = re.compile(
    r"(?:https?://|www\.|(?<![\w./@-])(?=(?:github\.com|gitlab\.com|huggingface\.co|bitbucket\.org)/"
    r"|[\w-]+\.github\.io\b))"
    r"[^\s<>\"'{}|\\^`]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}

def _strip(url: str) -> str:
    while url:
        last = url[-1]
        unbalanced = last in _CLOSERS and url.count(_CLOSERS[last]) < url.count(last)
        if last in _TRAILING or unbalanced:
            url = url[:-1]
        else:
            break
    return url


def find_code_links(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, url)`` of each repository URL in ``text``, in order, de-duplicated."""
    out, seen = [], set()
    for m in _URL.finditer(text):
        url = _strip(m.group(0))
        host_path = url.split("://", 1)[-1]
        if "/" not in host_path.rstrip("/") and "." not in host_path:
            continue
        if len(host_path) < 6 or url.lower() in seen:
            continue
        seen.add(url.lower())
        out.append((m.start(), m.start() + len(url), url))
    return out


def normalize_url(url: str) -> str:
    """Canonical form for graph nodes: scheme added, host lower-cased, no trailing "/" or ".git"."""
    u = url if "://" in url else "https://" + url
    scheme, rest = u.split("://", 1)
    host, _, path = rest.partition("/")
    path = path.rstrip("/")
    if path.endswith(".git"):
        path = path[:-4]
    return f"{scheme.lower()}://{host.lower()}" + (f"/{path}" if path else "")

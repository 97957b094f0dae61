"""Surface-form normalisation shared by extraction, resolution and IRI slugs.

One place decides when two strings are "the same name", so the extractor's de-duplication,
the cross-paper resolver and the scorer-like comparisons in tests cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DASHES = re.compile(r"[\u2010-\u2015\u2212\-_/]")
_NON_WORD = re.compile(r"[^\w\s.+#]")
_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z+#]")


def clean_text(s: str) -> str:
    """NFKC, control characters and lone surrogates removed, whitespace folded."""
    s = unicodedata.normalize("NFKC", s)
    s = "".join(
        " " if ch in "\t\n\r\x0b\x0c" else ch
        for ch in s
        if not (unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r\x0b\x0c")
    )
    return _SPACES.sub(" ", s).strip()


def singular(word: str) -> str:
    """Strip a plural "s" the way the gold scorer does (long, lower-case words only)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and not word.isupper():
        if word.endswith("ies") and len(word) > 4:
            return word[:-3] + "y"
        return word[:-1]
    return word


def norm_name(s: str) -> str:
    """Readable normal form: case-folded, dashes as spaces, singular, no leading "the"."""
    s = unicodedata.normalize("NFKC", s).casefold().strip()
    s = _DASHES.sub(" ", s)
    s = _NON_WORD.sub(" ", s)
    s = _SPACES.sub(" ", s).strip(" .")
    if s.startswith("the "):
        s = s[4:]
    if not s:
        return ""
    words = s.split(" ")
    words[-1] = singular(words[-1])
    return " ".join(words)


@lru_cache(maxsize=8192)  # the extractor asks for the same names again and again
def name_key(s: str) -> str:
    """Compact key: ``norm_name`` without spaces or punctuation ("GPT4" == "GPT-4")."""
    return _NON_ALNUM.sub("", norm_name(s))


def is_acronym(s: str) -> bool:
    """Short, mostly upper-case token such as "SFT", "ReFT", "GTNs", "CoT"."""
    t = s.strip()
    if not t or " " in t or len(t) > 12:
        return False
    letters = [c for c in t if c.isalpha()]
    if len(letters) < 2:
        return False
    uppers = sum(c.isupper() for c in letters)
    return uppers >= 2 and uppers / len(letters) >= 0.4


def word_set(text: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of ``text`` (readable word lists)."""
    return frozenset(text.split())


#: A model name ending in a parameter count: "Llama2-13B", "Llama 3.1 8B Instruct",
#: "Mixtral 8x7B".
_SIZE_SUFFIX = re.compile(
    r"^(?P<family>.*?[A-Za-z0-9.])[\s\-_:]*(?<![\d.])"
    r"(?P<size>(?:\d+x)?\d+(?:\.\d+)?\s?[BMKT])(?P<rest>(?:[\s\-_].*)?)$"
)


def split_size(name: str) -> tuple[str, str, str] | None:
    """(family, size, rest) of a sized model name: "Llama 3.1 8B Instruct" → ("Llama 3.1",
    "8B", " Instruct"); None when the name carries no parameter count."""
    m = _SIZE_SUFFIX.match(name.strip())
    if not m:
        return None
    fam = m.group("family").strip(" -_")
    if not fam or not any(c.isalpha() for c in fam):
        return None
    return fam, m.group("size"), m.group("rest")


def family_of(name: str) -> str | None:
    """"Llama2-13B" → "Llama2"; "Llama 3.1 8B Instruct" → "Llama 3.1"; "Mixtral 8x7B" →
    "Mixtral"; else None."""
    parts = split_size(name)
    return parts[0] if parts else None


_TEX_WRAPPER = re.compile(
    r"\\(?:text(?:sub|super)script|text(?:bf|it|tt|sc|rm|sf)?|math(?:rm|bf|it|cal|bb|sf|tt)"
    r"|emph|operatorname|boldsymbol)\{([^{}$]*)(?:\}|$)"
)
_TEX_SYMBOL = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
               "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ",
               "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "ell": "ℓ",
               "infty": "∞", "star": "*", "ast": "*", "times": "×", "cdot": "·"}
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)\s?")
_MATH = re.compile(r"\$([^$]*)\$")
_SCRIPT = re.compile(r"[\^_]\{([^{}]*)\}|[\^_](\S)")
_TEX_ESCAPE = re.compile(r"\\([_&%#])")
#: "Fr\\'echet" → "Fréchet": TeX accents as combining marks, composed by NFC.
_TEX_ACCENT = re.compile(r"\\(['`^\"~=.])\{?([A-Za-z])\}?")
_ACCENT_MARK = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
                "=": "\u0304", ".": "\u0307"}
#: "\\footnote…", "\\url…", "\\cite…" to the end: a note glued to the name, not part of it.
_TEX_NOTE = re.compile(r"\\(?:footnote|url|cite[pt]?|thanks|href)\b.*$")
_DOUBLE_HYPHEN = re.compile(r"(?<=\w)-{2,3}(?=\w)")


def _read_math(tex: str) -> str:
    tex = _TEX_WRAPPER.sub(r"\1", tex)
    tex = _TEX_COMMAND.sub(lambda m: _TEX_SYMBOL.get(m.group(1), m.group(0)), tex)
    return _SCRIPT.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), tex)


def display_name(form: str) -> str:
    """``form`` as a name is shown: TeX markup read as text ("$A^*$" → "A*",
    "mAP\\textsubscript{50" → "mAP50", "PanGu-$\\pi$" → "PanGu-π", "sched\\_ext" →
    "sched_ext"), doubled hyphens between words made one ("Language--Image" →
    "Language-Image"), "~" and runs of spaces made one space. The form as written stays an
    alias; plain names come back unchanged."""
    if not any(c in form for c in "\\$~-"):
        return form
    out = _TEX_NOTE.sub("", form)
    out = _TEX_ACCENT.sub(lambda m: m.group(2) + _ACCENT_MARK[m.group(1)], out)
    out = unicodedata.normalize("NFC", out)
    out = _MATH.sub(lambda m: _read_math(m.group(1)), out)
    if out.count("$") % 2:
        out = out.replace("$", "")  # a lone "$": math cut off by the span's end
    out = _TEX_WRAPPER.sub(r"\1", out)
    out = _TEX_ESCAPE.sub(r"\1", out)
    out = _TEX_COMMAND.sub(lambda m: _TEX_SYMBOL.get(m.group(1), m.group(0)), out)
    out = _DOUBLE_HYPHEN.sub("-", out.replace("~", " "))
    out = " ".join(out.replace("{", "").replace("}", "").split())
    return out if any(c.isalnum() for c in out) else form

"""Explicit reported scores: (entity, dataset, metric, value).

"JMLR-13B (70.5%) outperforms Meditron-70B (68.9%)", "achieves 84.0% top-20 accuracy on
Natural Questions". Only absolute scores count: relative gains ("+3.2%", "by 5 points",
"2x faster") are not results, following the annotation guideline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.doc.views import span_text

if not Doc.has_extension("results"):
    Doc.set_extension("results", default=None)

_VALUE = re.compile(r"(?<![\w.+\-~])(\d{1,3}(?:\.\d+)?)"
                    r"(?:\s?(\\?%|(?:percentage\s+)?points?\b|pp\b))?")
#: "62--73%", "1.5~1.8x", "51%--71%": a range; what follows its upper end says what it is.
_RANGE = re.compile(r"\s?(?:-{1,2}|\u2013|~)\s?\d{1,3}(?:\.\d+)?(\s?\\?%)?")
#: A bound or a spread, not a score: "F1 < 0.15", "within 5%", "from below 20%",
#: "all exceeding 91%", "0.77 $\pm$ 0.12", "similarity >~ 0.8", "a standard deviation of 0.2",
#: "learnable parameters of 0.52%".
_NOT_OWN_BEFORE = re.compile(
    r"(?:[<>\u2264\u2265]~?|\bstandard\s+deviations?(?:\s+of)?|\bparameters\s+of|"
    r"\\[lg]eq?\b|\bbelow|\babove|\bwithin|\bunder|\bexceed\w*|"
    r"\bat\s+(?:least|most)|\b(?:more|less|fewer|greater|higher|lower)\s+than|\\pm\$?|\+-|\+/-)"
    r"\s*(?:an?\s+)?\$?\s*$", re.IGNORECASE)
#: A condition a score was measured under, not the score: what a value and any values
#: listed with it ("1% / 10%") are the share of ("1% labeled data", "using only 3.6%
#: training samples", "at 70% sparsity", "in the 1% regime") …
_LISTED = r"^\s*(?:\\?%)?\$?(?:\s*(?:/|,|and)\s*\d{1,3}(?:\.\d+)?\s*(?:\\?%)?\$?)*"
_RESOURCE_AFTER = re.compile(
    _LISTED + r"\s*(?:(?!(?:on|in|for|at|of|across|with|and|while|using|than)\b)[\w-]+\s+){0,2}?"
    r"(?:data|labels?|annotations?|samples|subset|parameters|compute|computation|"
    r"memory|FLOPs|tokens|regime)\b", re.IGNORECASE)
_SETTING_BEFORE = re.compile(r"(?:\bat|@|\bin\s+the|\busing|\brequir\w*|\bneed\w*|\bwith\s+"
                             r"(?:only|just)|\bwhen)\s+(?:(?:only|just|an?)\s+)?$", re.IGNORECASE)
_WORD_AFTER = re.compile(_LISTED + r"\s*(?!(?:accuracy|F1|score|BLEU|ROUGE|mAP|AP|AUC|IoU|"
                         r"top-\d|on|in|for|across|with|and|or|while|when|than|to|of|by|"
                         r"under|using|after|vs|versus|respectively|which|that|as)\b)[A-Za-z]",
                         re.IGNORECASE)
#: … the share of other things it counts ("when 50% of items are …", "skipping over 80% of
#: inferences"), or the share of another system's score ("97% of SeamlessM4T quality",
#: "84.6% of dense downstream accuracy") …
_SHARE_OF = re.compile(r"^\s*(?:\\?%)?\$?\s*(?:percent\s+)?of\s+(?:[\w'\u2019.-]+\s+){1,4}?"
                       r"(?:quality|accuracy|performance|AUROC|AUC|scores?|success\s+rate)\b",
                       re.IGNORECASE)
_SHARE_BEFORE = re.compile(r"\b(?:when|over|uses?|using|only|just)\s*$", re.IGNORECASE)
_OF_AFTER = re.compile(r"^\s*(?:\\?%)?\$?\s*(?:percent\s+)?of\b", re.IGNORECASE)
#: … or an end of its confidence interval ("95% CI: [40.4, 46.7]").
_IN_CI = re.compile(r"(?:\bCI|confidence\s+interval)\b[^()\[\]]{0,15}[\[(]?[^()\[\]]{0,20}$")
#: "AIME24 (80.3 vs. 79.8)": the value after "vs." is the compared-against system's.
#: "… (0.88 v.s. 0.61)", "84.0%, compared to 79.1% for GPT-4": the same.
_VERSUS_BEFORE = re.compile(r"\b(?:vs\.?|v\.s\.|versus|compared\s+(?:to|with)(?:\s+(?:only|just))?)"
                            r"\s*\$?\s*$", re.IGNORECASE)
#: "compared to 9.05 and 52.2 for …": a value listed right after a compared-against one.
_OTHER_LISTED = re.compile(r"^\s*(?:\\?%)?\$?\s*(?:,\s*and|,|and)\s*\$?\s*$", re.IGNORECASE)
#: "38.64% and 25.0% improvements", "17% accuracy improvement", "0.14 vs 0.22 … drop": a
#: gain named a few words after its value (and any values listed with it).
#: "3.15%, 5.44%, and 7.89% DSC higher than", "2.5 F1 absolute higher", "80.1% bitrate
#: savings", "15.32 percentage points (pp) AUROC gain": a comparison or a saving, too.
_GAIN_LATER = re.compile(
    r"^\s*(?:\\?%)?(?P<list>(?:\s*(?:,\s*and|,|and|vs\.?|to|/|-+|~)\s*[<>]?\d{1,3}(?:\.\d+)?"
    r"\s*(?:\\?%)?)*)\s+(?:\([^()]{0,20}\)\s+)?"
    r"(?P<words>(?:[A-Za-z][\w@-]*\s+){0,3}?)(?:improvements?|gains?|"
    r"increases?|reductions?|drops?|boosts?|speed-?ups?|decreases?|enhancements?|savings?|"
    r"degradations?|declines?|higher|lower|better|worse|below)\b",
    re.IGNORECASE)
#: "improves semantic coherence (15%)": a lone value in parentheses after what it improves
#: is the gain; "(0.88 vs. 0.61 AUC)" after it is a pair of scores.
_GAIN_IN_PARENS = re.compile(
    r"\b(?:improv|increas|boost|rais|enhanc|lift)\w*\s+(?:[\w-]+\s+){0,3}\(\s*$", re.IGNORECASE)
_PAIR_AFTER = re.compile(r"\s*(?:\\?%)?\s*(?:vs\.?|versus)\b", re.IGNORECASE)
#: "a reduction in perplexity (PPL) of 18.01%", "an improvement in the Dice score 5%", "by
#: a significant margin, i.e., 11.68%", "energy savings of 22%", "plus 0.07", "declines 33%",
#: "bias reduction (98.8% …", "at a cost of as little as 2.0 BLEU": what a gain, saving,
#: margin or cost comes to.
_RELATIVE_BEFORE = re.compile(
    r"(?:\bby|\+|\u00b1|\bplus|\bup\s+to|\bfrom|=|(?:improv|gain|increas|boost|reduc|drop|"
    r"decreas|lift|margin|differen|sav|speed-?up|declin|degrad)\w*"
    r"(?:\s+(?:in|on)\s+(?:(?!(?:with|and|to|achiev\w*|reach\w*)\b)[\w@*()-]+\s+){1,4}?"
    r"(?:of\s+)?|\s+of)?:?|\bfactor\s+of|\bcost\s+of)"
    r"(?:\s*[,(]?\s*(?:i\.e\.|e\.g\.),?)?"
    r"\s*(?:an?\s+|the\s+)?(?:(?:more\s+than|at\s+least|less\s+than|over|only|just|merely|"
    r"nearly|about|almost|roughly|approximately|up\s+to|as\s+(?:much|many|high|little)\s+as|"
    r"average(?:\s+of)?|absolute|relative)\s+)*$",
    re.IGNORECASE,
)
#: "63.6 → 72.7", "58.9 rightarrow 61.7" (TeX lost its backslash): the same as "from … to".
_ARROW = r"(?:\\?rightarrow|\\to\b|\u2192|->|=>)"
#: TeX's own "$\to$" and "%$\rightarrow$10.9%" keep their dollars around the arrow.
_ARROW_AFTER = re.compile(rf"^\s*(?:\\?%)?\s*\$?\s*{_ARROW}\s*\$?\s*\d")
_ARROW_GAP = re.compile(rf"^\s*\d{{1,3}}(?:\.\d+)?\s?(?:\\?%)?\s*\$?\s*{_ARROW}\s*\$?\s*$")
#: "from 63.6 to 72.7", and in parentheses "(0.40 to 0.82)", "(bias agreement 49.85% to
#: 45%)": the later value is the result, the earlier one a starting point …
_FROM_TO = re.compile(
    r"\bfrom\s+\$?\d{1,3}(?:\.\d+)?\s?(?:\\?%)?\$?\s+to\s*(?:(?:just|only|merely)\s+)?$",
    re.IGNORECASE)
_PAREN_TO = re.compile(r"\([^()]*?(?P<x>(?<![\w.])\d{1,3}(?:\.\d+\s?(?:\\?%)?|\s?\\?%))\$?\s+"
                       r"to\s*$", re.IGNORECASE)
_TO_AFTER = re.compile(r"^\s*(?:\\?%)?\$?\s+to\s+\$?\d")
#: … but "ranging from 39% to 68%", "varies from 0.7 to 1.5" span many results: neither end
#: is one of them.
_SPAN = re.compile(r"\b(?:rang\w*|var(?:y|ies|ied|ying))\s+(?:from\s+)?"
                   r"(?:(?:less|more)\s+than\s+)?\$?\d{1,3}(?:\.\d+)?\s?(?:\\?%)?\$?\s+"
                   r"(?:to|and)\s*$", re.IGNORECASE)
#: "narrowing the gap to just 3.54%": "to" with a word that only weighs the value.
_TO = re.compile(r"\bto\s*(?:(?:just|only|merely)\s+)?$", re.IGNORECASE)
#: "ES' improvement over SARI increases to 20%": what moves is a gain, not a score.
_GAIN_NOUN = re.compile(r"\b(?:improvements?|gains?|speed-?ups?|margins?|gaps?)\b",
                        re.IGNORECASE)
#: "this drops to 9%", "further elevates to 91.6": where a score moves to is a score.
_MOVES_TO = re.compile(
    r"\b(?:ris\w*|rose|improv\w*|increas\w*|elevat\w*|drop\w*|fall\w*|fell|decreas\w*|"
    r"collaps\w*|boost\w*|rais\w*|jump\w*|climb\w*|grow\w*|grew|declin\w*)"
    r"\s+(?:[\w-]+\s+){0,2}?to\s*(?:(?:just|only|merely)\s+)?$", re.IGNORECASE)
_RELATIVE_AFTER = re.compile(
    r"^\s*(?:\\?%\s*)?(?:x\b|\u00d7|\$?\s*\\times|times|fold|fewer|less|more|faster|slower|"
    r"smaller|larger|higher|lower|better|worse|improvement|gain|increase|reduction|relative|"
    r"CI\b|confidence|"
    r"absolute(?!\s*\))|"
    r"of\s+(?:the|its|their)\b|speed-?ups?|points?\s+(?:higher|lower|better|worse|above|below|over)|"
    r"(?:\w+er|more\s+\w+|less\s+\w+)\s+than|"
    r"of\s+(?:\w+\s+)?(?:computations?|compute|parameters|data|memory|time|costs?|FLOPs|"
    r"tokens|samples|training|resources|budget|labels|annotations))",
    re.IGNORECASE,
)
#: Units of counts and sizes: "1.5 billion", "2.5 hours", "3.5 tasks" — but "87% task
#: success" is a score, so these are read only after a value without a percent sign.
_COUNT_AFTER = re.compile(
    r"^\s*(?:billion|million|thousand|[BMK]\b|hours?|days?|seconds?|minutes?|samples?|"
    r"examples?|tokens?|languages?|tasks?|datasets?|papers?|steps?|layers?|images?|"
    r"questions?|parameters?|GPUs?|years?)",
    re.IGNORECASE,
)
#: Units that make a value a cost or efficiency figure — speed, compute, size, memory,
#: time: "25.4 fps", "14.56 GFLOPs", "3.58M parameters", "4.08 MB footprint", "0.28ms".
#: The guideline annotates these as results; they are kept apart from scores (``kind``
#: "cost") so that no leaderboard ranks a latency against an accuracy.
_COST_UNIT = re.compile(
    r"\s?(?:(?P<speed>(?i:fps)\b|(?i:frames?)\s*(?:per\s+second|/\s*s(?:ec)?)\b|Hz\b|"
    r"(?i:tokens?|samples?|images?|queries|requests|it)\s*(?:/\s*s|per\s+second)\b|QPS\b)"
    r"|(?P<compute>[KMGTP]?\s?(?:FLOPs|FLOPS|MACs)\b)"
    r"|(?P<params>(?:M|K|million|thousand)\s*(?:(?:trainable|learnable)\s+)?"
    r"(?:parameters|params)\b)"
    r"|(?P<memory>[KMGT]B\b)"
    r"|(?P<time>ms\b|milliseconds?\b|s\b|secs?\b|seconds?\b|min\b|minutes?\b|h\b|hours?\b|"
    r"GPU[-\s]hours?\b))")
_COST_ANY = re.compile(r"\d" + _COST_UNIT.pattern)
#: A time or a memory size is a cost only where the sentence says so ("latency of 8 ms",
#: "in 7 seconds", "0.095 s per image", "a 4.08 MB footprint") — "20 hours of speech",
#: "45 GB of text" and "10-second clips" are data.
_TIME_CUE = re.compile(r"\b(?:latenc\w*|time|times|runtime|takes?|took|taking|speeds?|"
                       r"in|within|averag\w*|about|approximately|around|only|just|at|"
                       r"inference|training|per)\b[^.;:]{0,30}$", re.IGNORECASE)
_TIME_CUE_AFTER = re.compile(r"^\s*(?:(?:inference|end-to-end|processing|response|"
                             r"training)\s+)?(?:latenc\w*|runtime|time)\b", re.IGNORECASE)
_PER_AFTER = re.compile(r"^\s*(?:per|/|an?|each)\s*(?:\w+\s+)?(?:image|frame|sample|asset|"
                        r"query|epoch|step|iteration|token|video|scene|instance|object|"
                        r"sequence|example|run|item)s?\b", re.IGNORECASE)
_MEMORY_CUE = re.compile(r"\b(?:memory|VRAM|RAM|footprint|storage|model\s+size|size)\b",
                         re.IGNORECASE)
#: "a GPU with 24GB memory", "64GB memory per card": the hardware's, not the system's.
_HARDWARE_BEFORE = re.compile(r"\b(?:GPUs?|NPUs?|TPUs?|cards?|devices?|machines?|RTX|"
                              r"[AHV]100)\b[^.;,]{0,25}$")
_HARDWARE_AFTER = re.compile(r"^\s*(?:of\s+)?(?:GPU\s+)?(?:memory|VRAM|RAM)?\s*per\b",
                             re.IGNORECASE)
#: A rate is a system's speed where the sentence says so ("runs at 100 Hz", "an update
#: rate of 100Hz"); "IMU acceleration (20 Hz)" is how data was recorded.
_RATE_CUE = re.compile(r"\b(?:runs?|running|operat\w*|achiev\w*|reach\w*|rates?|throughput|"
                       r"speeds?|update|control|frequenc\w*|inference)\b[^.;:]{0,30}$",
                       re.IGNORECASE)
#: "MobileViT (10.6M parameters)": a size in parentheses after a name describes it.
_SIZE_IN_PARENS = re.compile(r"\(\s*(?:~|about\s+|only\s+)?\$?\s*$")
_DATA_AFTER = re.compile(r"^\s*(?:of\s+(?!(?:GPU\s+)?(?:memory|VRAM|RAM)\b)|long\b|clips?\b|"
                         r"videos?\b|audio\b|speech\b|recordings?\b|footage\b|data\b)",
                         re.IGNORECASE)


def _cost_end(text: str, start: int, end: int) -> int | None:
    """Where the unit of a cost figure ends when the value at [``start``, ``end``) is one:
    a unit right after it (past any TeX "$"), and for a time or a memory size the words
    that make it one; -1 for a time, size or count that is no cost ("20 hours of
    speech"); else None. The words before the value are read only when a unit follows."""
    tex = _TEX_AFTER.match(text, end)
    at = tex.end() if tex else end
    unit = _COST_UNIT.match(text, at)
    if unit is None:
        return None
    before = _TEX_BEFORE.sub(" ", text[:start])
    rest = text[unit.end():]
    if _DATA_AFTER.match(rest):
        return -1
    if unit.group("time") and not (_TIME_CUE.search(before[-60:]) or _PER_AFTER.match(rest)
                                   or _TIME_CUE_AFTER.match(rest)):
        return -1
    if unit.group("memory") and (
            not (_MEMORY_CUE.search(before[-40:]) or _MEMORY_CUE.match(rest.lstrip()))
            or _HARDWARE_BEFORE.search(before[-40:]) or _HARDWARE_AFTER.match(rest)):
        return -1
    if unit.group("speed") and unit.group("speed").strip() == "Hz" and not (
            _RATE_CUE.search(before[-60:])):
        return -1
    if unit.group("params") and _SIZE_IN_PARENS.search(before):
        return -1
    return unit.end()


_SCORE_CUE = re.compile(
    r"\b(?:achiev\w*|reach\w*|obtain\w*|attain\w*|scor\w*|accuracy|F1|BLEU|ROUGE|improv\w*|"
    r"outperform\w*|surpass\w*|record\w*|yield\w*|get|gets|sets?|delivers?|hits?)\b",
    re.IGNORECASE,
)
#: Words before a name that make it the thing compared against ("surpasses the 400x
#: larger DeepSeek R1": a few words may come between) …
_COMPARED_TO = (r"\bthan|\bover|\boutperform\w*|\bsurpass\w*|\bbeat\w*|\bexceed\w*|\bvs\.?|"
                r"\bversus|\bcompared\s+(?:to|with)")
_COMPARED = re.compile(
    rf"(?:{_COMPARED_TO}|\brival\w*|\bagainst)[\s,(]*(?:[\w.-]+\s+){{0,3}}$",
    re.IGNORECASE,
)
#: "outperforming the baseline at 3.5% and full-layer steering at 16.2%": compared against
#: too, listed after another compared against.
_COMPARED_TOO = re.compile(rf"(?:{_COMPARED_TO})[^;,]*\band\s+(?:(?:the|an?)\s+)?$",
                           re.IGNORECASE)
#: … or built on (upon), or merely named, or the object of "boosting X": not the one scoring.
_NOT_SUBJECT = re.compile(
    rf"(?:{_COMPARED_TO}|\b(?:based|built)\s+(?:up)?on|\blike|\bsuch\s+as|"
    r"\bincluding|\be\.g\.,?|\bfrom|\busing|\bwith|\bof|\bon|\bvia|\band|\bunder|"
    r"\b(?:boost|improv|enhanc|rais|lift|help|enabl)ing)"
    r"[\s,(]*(?:(?:the|an?)\s+)?(?:strong\s+|state-of-the-art\s+|previous\s+|baseline\s+|"
    r"(?-i:[a-z][\w-]*-\w+)\s+)*(?:(?-i:[a-z][\w-]*)\s+)?$",
    re.IGNORECASE,
)
#: The paper's own system, unnamed: "we achieve", "our model", and the anaphora abstracts
#: use for it once named ("it surpasses …", "the model confirms …", "this method").
_WE = re.compile(
    r"\b(?:we|our|ours|it|the\s+(?:proposed\s+|resulting\s+|final\s+)?(?:model|method|"
    r"framework|approach|system|pipeline|architecture|network|agent)|this\s+(?:model|method|"
    r"framework|approach|system|pipeline|architecture|network|agent))\b", re.IGNORECASE)
#: "GPT-4's 84.2", "Shap-e's MSE of 0.147": the value belongs to the owner before "'s".
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|s')\s+(?:[\w-]+\s+){0,3}?(?:of\s+)?$")
#: "we" as the subject: a name after it is what we propose or use, not who scores.
_SUBJECT_WE = re.compile(r"\bwe\b", re.IGNORECASE)
_OURS_BEFORE = re.compile(r"\bour\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_WE_END = re.compile(rf"(?:{_WE.pattern})$", re.IGNORECASE)
#: "fine-tuning of Qwen2.5-VL-7B": a method applied to another system, neither alone
#: the one scoring.
_APPLIED_TO = re.compile(r"\s+(?:of|on|to)\s+(?:the\s+)?", re.IGNORECASE)
#: What may stand between a name and its own value: "X (70.5%)", "X: 70.5", "X of 70.5",
#: "Mistral (24B) with 79.96%".
_BESIDE = re.compile(r"\s*(?:\([^()]{1,12}\)\s*)?(?:\(|:|of|=|\(=|with)?\s*(?:\$\s*)?")
#: "outperforming ResNet18 at 90.15%", "than BiLSTM-based models (0.706)": a value a few
#: words after a name compared against, at it or in parentheses, is that name's.
_AT_RIVAL = re.compile(r"^[\w-]*(?:\s+[\w-]+){0,2}\s*(?:\bat|\()\s*\$?\s*$")
#: A value in parentheses after a rival that is no name: "outperforming an agent without
#: skills (40.9%)", "where baselines fail (0-10%)".
_PAREN_AFTER_RIVAL = re.compile(
    r"\b(?:outperform\w*|surpass\w*|than|beat\w*|exceed\w*|compared|against|"
    r"baselines?)\b[^,;]*\(\s*$", re.IGNORECASE)
#: The break that opens a clause of contrast ("…, while X …").
_CONTRAST = re.compile(r"\b(?:while|whereas|but)\s*$", re.IGNORECASE)
#: A sentence that opens with a phrase of its own ("In DARTS, it reaches …", "Using X
#: …, Y reaches …", "Coupled with X, our framework …", "Evaluated on 1,372 records across
#: backbones (X, Y), the framework …"): a name in it is not who scores.
_OPENING = re.compile(
    r"^\s*(?:(?:for\s+(?:example|instance)|notably|specifically|moreover|finally),?\s*)?"
    r"(?:in|on|using|through|with|by|via|based\s+on|when|after|trained\s+on|leveraging|"
    r"coupled\s+with|combined\s+with|unlike|compared\s+(?:to|with)|building\s+on|applying|"
    r"utili[sz]ing|employing|equipped\s+with|given|following|under|across|beyond|despite|"
    r"without|starting\s+from|(?:evaluated|tested|validated|benchmarked)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:on|with|across|using))\b(?:[^,;()]|,(?=\d))*(?:\([^()]*\)(?:[^,;()]|,(?=\d))*)*,",
    re.IGNORECASE)
#: Where a clause with a subject of its own begins: "…, while X reaches …", "; X …".
#: "…, and that X reaches", "results show that X reaches": the clause after "that" too.
#: "….Trained on X, Y achieves": a sentence glued to the last one begins a clause too.
_CLAUSE_BREAK = re.compile(r";\s*|,?\s*\b(?:while|whereas|but)\b\s*|,\s*(?:with|and)\b\s*|"
                           r"(?<=(?-i:[a-z])\.)(?=(?-i:[A-Z][a-z]))|"
                           r"\b(?:show|showed|shows|demonstrate[sd]?|reveal(?:s|ed)?|"
                           r"find|found|finds|indicate[sd]?|confirm(?:s|ed)?)\s+that\b\s*",
                           re.IGNORECASE)
#: "the validation set", "test split": where a score was measured, not which dataset.
_SPLIT = re.compile(r"^(?:the\s+)?(?:validation|val|dev|development|test|training|train|"
                    r"held-out)\s+(?:set|split|data)s?$", re.IGNORECASE)
#: TeX markup right before a value ("by up to $31\\%$", "\\textbf{78.7\\%}"), read as a space.
_TEX_BEFORE = re.compile(r"(?:\s*(?:\$|\{|\\(?:textbf|textit|emph|mathbf|mathrm)\{))+$")
#: … and right after it ("$44\\%$ performance gain", "\\textbf{55.3\\%} reduction").
_TEX_AFTER = re.compile(r"^(?:\s*(?:\$|\}))+")
_NAME_PART = re.compile(r"^(?:-\w|[A-Za-z])")
#: What joins a gain to the next value of the same list: "… on in-domain tasks and ".
_COORDINATED = re.compile(
    r"^(?:[^.;:]|\bvs\.){0,60}?(?:\band|,|/)\s*(?:by\s+)?(?:(?:nearly|about|around|almost|roughly|"
    r"approximately|over|up\s+to)\s+)?$", re.IGNORECASE)
#: "84.2 (76.2)": a second value in parentheses right after the first, of the same system.
_SECOND_VALUE = re.compile(r"\s*\(\s*")
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
#: Where the list a "respectively" pairs begins: "… -- fall short, while GPT models plateau
#: in the 62--73% range, …, and Gemma and Llama-3 collapse to 39.53% and 23.84%,
#: respectively" pairs only the values and names after "while".
_LIST_BREAK = re.compile(r";\s*|,?\s*\b(?:while|whereas|but)\b\s*|\s-{2,3}\s|\u2014",
                         re.IGNORECASE)
_ON = re.compile(r"^\s*%?\s*(?:accuracy\s+|\w+\s+)?(?:on|in|for|at)\s+(?:the\s+)?$",
                 re.IGNORECASE)


@dataclass(frozen=True)
class ResultCandidate:
    """A score (``kind`` "score") or a cost figure ("cost": speed, latency, size, compute)
    stated in a sentence. ``entity`` None: the paper's own system ("we achieve 84.0%", "our
    model reaches …"), which the paper-level step names."""

    entity: Span | None
    value: str
    dataset: Span | None
    metric: Span | None
    sent_start: int
    sent_end: int
    kind: str = "score"


def _gain_later(after: str) -> bool:
    """Whether a gain is named a few words after a value: "17% accuracy improvement",
    "12.3% and 9.3% recall and precision gains" — but in "85.2% accuracy and consistent
    improvements" the "and" starts another phrase (one value, no list)."""
    m = _GAIN_LATER.match(after)
    return bool(m) and (bool(m.group("list").strip()) or " and " not in f" {m.group('words')}")


def _in_parens(before: str) -> bool:
    return before.rfind("(") > before.rfind(")")


def _paren_to(before: str) -> bool:
    """Whether a value ends "(0.40 to …" as a score's starting point, not a gain's ("(by
    3.8% to …")."""
    m = _PAREN_TO.search(before)
    return bool(m) and not _RELATIVE_BEFORE.search(before, 0, m.start("x"))


def _values(text: str, offset: int, ents: list[Span]
            ) -> list[tuple[int, int, str, bool, bool]]:
    """Absolute scores and cost figures in a sentence's ``text``: (start, end, value as
    written, whether it is the other side of "A vs. B", whether it is a cost), without
    gains, counts, sizes, bounds, spreads, the "from" value of "from X to Y" and digits of
    names. A cost's value and span include its unit ("25.4 fps")."""
    out = []
    relative_end = None  # where the last gain ended: "by 0.83 dB … and 3.43 dB" is one list
    other_end = None  # where the last compared-against value ended
    for m in _VALUE.finditer(text):
        end = m.end()
        percent = bool(m.group(2)) and m.group(2).endswith("%")
        rng = _RANGE.match(text, end)
        if rng and (rng.group(1) or not percent):
            end, percent = rng.end(), percent or bool(rng.group(1))
        cost_end = None if m.group(2) or percent else _cost_end(text, m.start(), end)
        if cost_end == -1:
            if "." in m.group(1):
                relative_end = end  # as any count: "2.5 hours and 3.1 days" is one list
            continue  # "20 hours of speech", "45 GB of text": an amount, no result
        if cost_end is None and not percent and not m.group(2) and "." not in m.group(1):
            continue  # bare integers are counts, years or sizes
        before = _TEX_BEFORE.sub(" ", text[: m.start()])
        after = _TEX_AFTER.sub(" ", text[cost_end or end:])
        if cost_end is None and _NAME_PART.match(after):
            continue  # "LLaMA 3.2-3B", "1.5B": part of a name or a size
        if _ARROW_AFTER.match(after) or _TO_AFTER.match(after) and _in_parens(before):
            continue  # "63.6 → 72.7", "0.40 to 0.82": the starting point, not the result
        if _SPAN.search(before):
            continue  # "gains ranging from 39% to 68%": the upper end of a span
        if (_RELATIVE_AFTER.match(after) or _gain_later(after)
                or _GAIN_IN_PARENS.search(before) and not _PAIR_AFTER.match(after)
                or not percent and cost_end is None and _COUNT_AFTER.match(after)
                or _RELATIVE_BEFORE.search(before)
                or relative_end is not None
                and _COORDINATED.match(_TEX_BEFORE.sub(" ", text[relative_end: m.start()]))):
            relative_end = cost_end or end
            continue
        if cost_end is None and (_RESOURCE_AFTER.match(after)
                or percent and _SETTING_BEFORE.search(before) and _WORD_AFTER.match(after)
                or _SHARE_OF.match(after)
                or _SHARE_BEFORE.search(before) and _OF_AFTER.match(after)
                or _IN_CI.search(before)):
            relative_end = end  # "using only 1% / 10% labeled data": the list too
            continue  # a condition, a share, an interval: not a score
        if _NOT_OWN_BEFORE.search(before):
            continue  # a bound or a spread
        if _TO.search(before) and not _FROM_TO.search(before) and not _paren_to(before) and not (
                _MOVES_TO.search(before) and not _GAIN_NOUN.search(before[-60:])):
            relative_end = end  # "gaps to 2.8% and 11.5%": the list is bounds or gains too
            continue  # "up to", "close to", "reduced to" … but "from 63.6 to 72.7" counts
        start = offset + m.start()
        if any(e.start_char <= start < e.end_char for e in ents):
            continue  # part of a name ("GPT-3.5")
        other = bool(_VERSUS_BEFORE.search(before)) or (
            other_end is not None and bool(_OTHER_LISTED.match(text, other_end, m.start())))
        other_end = end if other else None
        if cost_end is not None:
            value = " ".join(text[m.start(): cost_end].replace("$", " ").split())
            out.append((start, offset + cost_end, value, other, True))
            continue
        out.append((start, offset + end, text[m.start(): end].replace(" ", "")
                    .replace("\\%", "%"), other, False))
    return out


#: The verbs that state a system's value ("reaches", "achieved", "scores", "gets" …).
_STATES_VALUE = (r"(?:reach\w*|achiev\w*|scor\w*|obtain\w*|attain\w*|yield\w*|gets?|got|"
                 r"performs?|performed|records?|recorded)")


#: A clause whose subject is a system compared against, unnamed: "outperforming the base
#: model, which scores 80.53%", "than the previous state-of-the-art of 292.4", "prior
#: approaches that reached only 24%", "human-level performance at 72%".
_RIVAL_SUBJECT = re.compile(
    r"\b(?:previous|prior|existing|baselines?|base\s+model|humans|human-level|human\s+"
    r"(?:experts?|annotators?|performance|baselines?))\b"
    r"(?:(?:\s+[\w-]+){0,3}?\s+(?:of|at)\s*"
    r"|(?:(?!\b(?:and|by|while|whereas|we|our|it|with)\b)[^;,]|,\s*(?:which|that|who)\b)*?"
    rf"\b{_STATES_VALUE}\b[^;,]*)$", re.IGNORECASE)


#: A clause of contrast whose subject is some other system, unnamed: "…, while the
#: human-labeled setup achieved 75.53%", "whereas the best image-based method reached 81.2".
_OTHER_SUBJECT = re.compile(
    r"\s*(?:the|an?|other|existing|standard|conventional|traditional|"
    rf"their|its)\b[^,;]*?\b{_STATES_VALUE}\b", re.IGNORECASE)


#: What may stand between a subject and its value: "X reached 64.54%", "X maintains 2.89%",
#: "X (ours) achieves an accuracy of 84.0%".
_VERB_BESIDE = re.compile(
    r"\s*(?:\([^()]{1,40}\)\s*)?(?:also\s+|only\s+|then\s+|further\s+)?"
    r"(?:reach(?:es|ed)?|achiev(?:es|ed)|attain(?:s|ed)|obtain(?:s|ed)|scor(?:es|ed)|"
    r"record(?:s|ed)|maintain(?:s|ed)|yield(?:s|ed)|gets?|got|hits?)\s+"
    r"(?:(?:only|just|an?|the|about|around|nearly|over|approximately)\s+)*"
    r"(?:(?!(?:on|in|for|with|by|of|than|to)\b)[\w@-]+\s+){0,3}?(?:of\s+)?\$?\s*",
    re.IGNORECASE)


#: "X reached 77.84% and Y reached …": "and" after a value opens a clause of its own.
_AFTER_VALUE_AND = re.compile(r"(?<![\w-])\d{1,3}(?:\.\d+)?\s*(?:\\?%)?\$?\s*,?\s*and\s+$")


def _subject(sent: Span, systems: list[Span], before: int) -> Span | None | bool:
    """Who scores a value at char ``before``: the owner of "X's 84.2"; the name right
    before "(70.5%)", ":" or "with"; else the first system of the clause that is not
    compared against, built on or merely named in a phrase, unless "we" precede it; None
    when the sentence speaks of "we"/"our"/"it"/"the model"; False when unknown (and for
    the value in parentheses of a rival that has no name)."""
    text = span_text(sent)
    base = sent.start_char
    prior = [s for s in systems if s.end_char <= before]
    since_last = max([prior[-1].end_char - base if prior else 0]
                     + [m.end() for m in re.finditer(";", text[: before - base])])
    if _RIVAL_SUBJECT.search(text, since_last, before - base):
        return False  # an unnamed system compared against scores it
    # "over zero-shot prompting (73% vs. 64%)": a pair after a rival; the first value is
    # the clause subject's, not the rival's it sits beside.
    value = _VALUE.match(text, before - base)
    pair = bool(value) and bool(_PAIR_AFTER.match(_TEX_AFTER.sub(" ", text[value.end():])))
    rival_last = bool(prior) and bool(_COMPARED.search(text, 0, prior[-1].start_char - base)
                                      or _COMPARED_TOO.search(text, 0, prior[-1].start_char - base))
    owner = _POSSESSIVE.search(text, 0, before - base)
    if owner:
        if prior and prior[-1].end_char - base == owner.start():
            return prior[-1]
        return None if _WE_END.search(text, 0, owner.start()) else False
    if prior and _BESIDE.fullmatch(text, prior[-1].end_char - base, before - base) and not (
            pair and rival_last):
        return prior[-1]
    since = text[prior[-1].end_char - base if prior else 0: before - base]
    if _PAREN_AFTER_RIVAL.search(since) and not pair:
        return False  # "outperforming an agent without skills (40.9%)": an unnamed rival's
    if prior and _AT_RIVAL.match(since) and rival_last and not pair:
        return prior[-1]  # "outperforming ResNet18 at 90.15%": the rival's
    # "GPT-5-Nano reached 77.84% and Qwen-VL-Chat reached 64.54%": a name right before the
    # verb that states the value is its subject.
    if prior and _VERB_BESIDE.fullmatch(text, prior[-1].end_char - base, before - base) and not (
            _NOT_SUBJECT.search(text, 0, prior[-1].start_char - base)
            and not _AFTER_VALUE_AND.search(text, 0, prior[-1].start_char - base)
            or rival_last or _OURS_BEFORE.search(text, 0, prior[-1].start_char - base)):
        return prior[-1]
    # "On GSM8K, Llama-2 reaches 56.8%, while MathFlow reaches 81.2%": the value's own
    # clause names its system first.
    # Else the sentence's: its first system, or "we".
    breaks = list(_CLAUSE_BREAK.finditer(text, 0, before - base))
    clause = breaks[-1].end() if breaks else 0
    # "…, while fine-tuning of Qwen2.5-VL-7B achieved 49.6%", "…show that X achieves": a
    # clause of its own naming systems, none of which scores, leaves the value unowned.
    own = bool(breaks) and (bool(_CONTRAST.search(breaks[-1].group(0).rstrip()))
                            or breaks[-1].group(0).rstrip().lower().endswith("that"))
    if (breaks and _CONTRAST.search(breaks[-1].group(0).rstrip())
            and not any(s.start_char - base >= clause for s in prior)
            and _OTHER_SUBJECT.match(text, clause, before - base)
            and not _WE.search(text, clause, before - base)):
        return False  # "…, while the human-labeled setup achieved 75.53%": not the subject's
    opening = _OPENING.match(text)
    opened = opening.end() if opening and opening.end() <= before - base else 0
    for start in dict.fromkeys((clause, 0)):
        we = _WE.search(text, start, before - base)
        subject_we = _SUBJECT_WE.search(text, start, before - base)
        for s in prior:
            lead = text[start: s.start_char - base]
            if subject_we and subject_we.start() < s.start_char - base:
                break  # "we propose a transformer-based model …, achieving 99.02%"
            if s.start_char - base < opened:
                continue  # "In DARTS, it reaches …": named in the sentence's opening phrase
            if s.start_char - base >= start and not _NOT_SUBJECT.search(lead) \
                    and not _COMPARED.search(lead):
                # "our streaming RAG approach": the paper's system, of which s is a part
                if _OURS_BEFORE.search(lead):
                    return None
                applied = _APPLIED_TO.match(text, s.end_char - base)
                if applied and any(o.start_char - base == applied.end() for o in prior):
                    return False  # "fine-tuning of Qwen2.5-VL-7B achieved": which scores?
                return s
        if we:
            return None
        if start and own and any(s.start_char - base >= start for s in prior):
            return False
    # "Achieving an F1 score of 0.8428 …, the model confirms …": the subject comes later
    return None if not systems and _WE.search(text) else False


#: "bpc/perplexity": a metric written as one of two, which the value may not be.
_SLASHED = re.compile(r"\w/$")
_SLASHED_AFTER = re.compile(r"/\w")
#: A word after a value that names what it measures, unless a preposition or conjunction.
_NOUN_AFTER = re.compile(
    r"\s*(?!(?:on|in|for|at|across|with|and|or|when|while|over|than|compared|to|of|by|"
    r"under|using|without|after|vs|versus|respectively|which|that|as)\b)[A-Za-z]",
    re.IGNORECASE)


def _compared(sent: Span, systems: list[Span], before: int) -> Span | None:
    """The system a value after "vs." at char ``before`` belongs to: the last one named
    as compared against ("surpasses DeepSeek R1 …: AIME24 (80.3 vs. 79.8)"), or None."""
    text, base = span_text(sent), sent.start_char
    for s in reversed([s for s in systems if s.end_char <= before]):
        if _COMPARED.search(text[: s.start_char - base]):
            return s
    return None


def _link(spans: list[Span], text: str, base: int, start: int, end: int,
          metric: bool = False, cost: bool = False) -> Span | None:
    """The dataset or metric a value at [start, end) is stated for: "84.0% on D",
    "D … 84.0%" / "accuracy of 84.0%" when the sentence names only one. A metric is none
    when written as one of two ("bpc/perplexity") or when the value is followed by a noun
    that is not it ("80% sparsity while … video quality"). A cost (``cost``) gets only
    what is written beside it: its unit ("37.45 FPS"), "latency of 8 ms", "26.7 ms
    latency", "on COCO"."""
    if metric:
        spans = [s for s in spans if not _SLASHED.search(text, 0, s.start_char - base)
                 and not _SLASHED_AFTER.match(text, s.end_char - base)]
        unit = [s for s in spans if start < s.start_char and s.end_char <= end]
        if unit:
            return unit[0]  # "37.45 FPS": a cost's unit is its metric
    after = [s for s in spans if s.start_char >= end]
    if after and (_ON.match(text[end - base: after[0].start_char - base])
                  or not text[end - base: after[0].start_char - base].strip()):
        return after[0]  # "84.0% on D", "59.1 mAP"
    before = [s for s in spans if s.end_char <= start]
    gap = text[before[-1].end_char - base: start - base] if before else ""
    if before and (gap.strip() in ("of", "", ":", "=") or _ARROW_GAP.match(gap)):
        return before[-1]  # "accuracy of 84.0%", "CommonsenseQA 63.6 → 72.7"
    if metric and _NOUN_AFTER.match(text, end - base) or cost:
        return None  # a cost is linked only to what is written beside it
    return spans[0] if len(spans) == 1 else None


#: The types whose names score (the rest are what they score on or with).
_SYSTEM = {"Method", "Model"}


def sentence_results(doc: Doc, paper_type: Callable[[Span], str] | None = None
                     ) -> list[ResultCandidate]:
    """Scores a sentence states for a system, read as a reader does: the system is the
    clause's subject or the name a value sits beside, not merely the nearest name; a
    "respectively" list pairs values with datasets or systems in order; "from X to Y"
    reports Y; gains, bounds, counts and sizes are not scores.

    ``paper_type`` gives the type decided for a mention's name over the whole paper (the
    paper-level step passes it): a mention is a system when its NER label or that type
    says so, since the NER labels each occurrence alone ("MathFlow reaches 81.2%" tagged
    Dataset while "We propose MathFlow" is a Method); otherwise the paper's type stands."""

    def kind(e: Span) -> str:
        typ = paper_type(e) if paper_type else e.label_
        return "system" if {e.label_, typ} & _SYSTEM else typ

    out: list[ResultCandidate] = []
    # A mention cut across a parenthesis ("baseline(AUC") names nothing here.
    named = [e for e in doc.ents if e.text.count("(") == e.text.count(")")]
    for sent in doc.sents:
        text = span_text(sent)
        scores = bool(_SCORE_CUE.search(text))
        if not any(c.isdigit() for c in text) or not (scores or _COST_ANY.search(text)):
            continue
        ents = [e for e in named if e.start >= sent.start and e.end <= sent.end]
        systems = [e for e in ents if kind(e) == "system"]
        datasets = [e for e in ents if kind(e) == "Dataset" and not _SPLIT.match(e.text)]
        metrics = [e for e in ents if kind(e) == "Metric"]
        found = _values(text, sent.start_char, ents)
        if not scores:  # "It runs at 25.4 fps": a sentence that states no score, a cost
            found = [f for f in found if f[4]]
        if not found:
            continue
        values = [(a, b, v) for a, b, v, other, _ in found if not other]
        costs = {v for _, _, v, _, cost in found if cost}
        base = sent.start_char

        def add(entity, value, dataset, metric, sent=sent, costs=costs):
            out.append(ResultCandidate(entity=entity, value=value, dataset=dataset,
                                       metric=metric, sent_start=sent.start_char,
                                       sent_end=sent.end_char,
                                       kind="cost" if value in costs else "score"))

        def add_linked(entity, start, end, value, text=text, base=base, costs=costs,
                       datasets=datasets, metrics=metrics):
            """``add`` with the dataset and metric written around the value."""
            cost = value in costs
            add(entity, value, _link(datasets, text, base, start, end, cost=cost),
                _link(metrics, text, base, start, end, metric=True, cost=cost))

        for start, end, value, other, _ in found:
            compared = _compared(sent, systems, start) if other else None
            if compared is not None:
                add_linked(compared, start, end, value)
        resp = _RESPECTIVELY.search(text)
        if resp and len(values) > 1:
            # "X achieves 72.0% and 50.7% on GSM8K and MATH, respectively": the list is the
            # values of the clause before "respectively" (else, as written, the sentence's)
            lo = base + max((m.end() for m in _LIST_BREAK.finditer(text, 0, resp.start())),
                            default=0)
            hi = base + resp.start()
            listed = [v for v in values if lo <= v[0] < hi]
            if len(listed) < 2:
                listed, lo, hi = values, base, sent.end_char
            first = listed[0][0]
            seg_data = [d for d in datasets if lo <= d.start_char < hi]
            seg_sys = [s for s in systems if lo <= s.start_char < hi]
            listed_data = [d for d in seg_data if d.start_char > first] or seg_data
            listed_sys = [s for s in seg_sys if s.start_char > first]
            if len(listed_sys) != len(listed):
                listed_sys = seg_sys
            subject = _subject(sent, systems, first)
            metric = metrics[0] if len(metrics) == 1 else None
            if len(listed_data) == len(listed) and subject is not False:
                for (_, _, v), d in zip(listed, listed_data, strict=True):
                    add(subject, v, d, metric)
            elif len(listed_sys) == len(listed):
                dataset = datasets[0] if len(datasets) == 1 else None
                for (_, _, v), s in zip(listed, listed_sys, strict=True):
                    add(s, v, dataset, metric)
            values = [v for v in values if v not in listed]
        last: tuple[int, Span | None] | None = None
        for start, end, value in values:
            if last is not None and _SECOND_VALUE.fullmatch(text, last[0] - base,
                                                             start - base):
                subject = last[1]  # "GPT-4's 84.2 (76.2)": the same system's
            else:
                subject = _subject(sent, systems, start)
            if subject is False:
                continue
            last = (end, subject)
            add_linked(subject, start, end, value)
    return out


@Language.factory("kg_results", default_config={})
def make_results(nlp: Language, name: str) -> ResultFinder:
    return ResultFinder()


class ResultFinder:
    """Stores :func:`sentence_results` on ``doc._.results``."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.results = sentence_results(doc) if doc.ents else []
        return doc

    def to_disk(self, path, exclude=()) -> None:
        return None

    def from_disk(self, path, exclude=()) -> ResultFinder:
        return self

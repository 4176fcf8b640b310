"""Text analysis shared by indexing, querying and tagging: the BM25 tokenizer, the normal form exact phrases
and titles are compared in, and the text each model sees for a passage.

Tokens are lower-cased words and numbers with English stop words removed, reduced by the Snowball (Porter 2)
English stemmer, so "financing" finds "finance" and "councils" finds "council" (measured on the development
queries: BM25 nDCG@10 0.589 with plural folding only, 0.611 with Snowball). The stemmer is PyStemmer, Snowball's
own C build: 20x faster than NLTK's Python port, and a whole tokenisation of the sample corpus 1.6x faster. Its
newer English rules stem 14 of the corpus's 8,400 words differently ("international" no longer meets "internal",
nor "universal" "university"), hence TOKENIZER_VERSION "snowball-2".

The words and the stop list are our own, not bm25s's tokenizer (two-letter-plus words, a 33-word stop list):
with it the development queries' BM25 nDCG@10 fell from 0.664 to 0.638 and hybrid's from 0.753 to 0.729.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import Stemmer

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    yourself yourselves any anyone anybody has have been there what which who""".split()  # noqa: SIM905
)


TOKENIZER_VERSION = "snowball-2"  # bump when tokenize() changes: saved snapshots are then rebuilt
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    return str(_STEMMER.stemWord(token))


def tokenize(text: str) -> list[str]:
    tokens = []
    for raw in _TOKEN_RE.findall(text.lower().replace("’", "'")):
        for part in [raw, *raw.split("-")] if "-" in raw else [raw]:
            if part not in STOP_WORDS:
                tokens.append(_stem(part.removesuffix("'s")))
    return tokens


def normalise(text: str) -> str:
    """Lower-cased words and numbers separated by single spaces: how exact phrases and titles are compared."""
    return " ".join(_WORD_RE.findall(text.lower()))


_WORD_RE = re.compile(r"[a-z0-9]+")


def keyword_text(meta: dict[str, Any], text: str) -> str:
    """What BM25 sees: title, lead council and heading path give a passage its context words."""
    headings = " ".join(json.loads(meta.get("heading_path", "[]")))
    return f"{meta.get('title', '')} {meta.get('lead_council', '')} {headings} {text}"


def embedding_text(title: str, heading_path: list[str], text: str) -> str:
    """What the embedding model sees for a passage."""
    return " — ".join([title, *heading_path[-2:]]) + "\n" + text

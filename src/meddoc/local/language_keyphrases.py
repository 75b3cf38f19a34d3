"""Key phrases without a tagger, RAKE-style: runs of content words between stop words and
punctuation, scored by word degree over frequency and scaled to 0-1."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from importlib import resources

from meddoc.local.phi_names import fold
from meddoc.model import KeyPhrase

_TOKEN = re.compile(r"[^\W\d_](?:[\w'\u2019/-]*\w)?|\d+(?:[.,]\d+)?%?", re.UNICODE)
# Punctuation, line breaks and column gaps end a phrase as a stop word does.
_BREAK = re.compile(r"[.,;:!?()\[\]{}|\"\u201c\u201d]|\n|[ \t]{2,}")
_MAX_WORDS = 4
_MAX_PHRASES = 200


@cache
def stop_words(language: str) -> frozenset[str]:
    name = "stopwords_es.txt" if language == "es" else "stopwords_en.txt"
    text = resources.files("meddoc.local.language_data").joinpath(name).read_text("utf-8")
    return frozenset(
        fold(line.strip()) for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _candidates(text: str, language: str) -> list[list[tuple[int, int]]]:
    """Runs of content-word spans; numbers join a run but never start or end one."""
    stops = stop_words(language)
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    cursor = 0
    for match in _TOKEN.finditer(text):
        word = match.group()
        broken = _BREAK.search(text, cursor, match.start()) is not None
        if broken or fold(word) in stops or len(current) == _MAX_WORDS:
            runs.append(current)
            current = []
        if fold(word) not in stops:
            current.append((match.start(), match.end()))
        cursor = match.end()
    runs.append(current)
    trimmed = []
    for run in runs:
        while run and text[run[0][0]].isdigit():
            run = run[1:]
        while run and text[run[-1][0]].isdigit():
            run = run[:-1]
        if run and any(len(text[b:e]) > 2 for b, e in run):
            trimmed.append(run)
    return trimmed


def key_phrases(text: str, language: str) -> list[KeyPhrase]:
    """Key phrases in text order; every phrase's text is text[begin:end]."""
    runs = _candidates(text, language)
    frequency: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    for run in runs:
        for begin, end in run:
            word = fold(text[begin:end])
            frequency[word] += 1
            degree[word] += len(run)
    raw = [
        sum(degree[w] / frequency[w] for w in (fold(text[b:e]) for b, e in run)) for run in runs
    ]
    best = max(raw, default=1.0)
    phrases = [
        KeyPhrase(text[run[0][0] : run[-1][1]], run[0][0], run[-1][1], round(score / best, 4))
        for run, score in zip(runs, raw, strict=True)
    ]
    if len(phrases) > _MAX_PHRASES:
        cutoff = sorted((p.score for p in phrases), reverse=True)[_MAX_PHRASES - 1]
        phrases = [p for p in phrases if p.score >= cutoff][:_MAX_PHRASES]
    return phrases

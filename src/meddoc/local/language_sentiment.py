"""Document sentiment, Comprehend-style (a label and four scores), from sentence scores:
VADER for English, a VADER-like lexicon scorer for Spanish."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache
from importlib import metadata, resources

from meddoc.local.phi_names import fold
from meddoc.model import Engine, Sentiment

_SENTENCE = re.compile(r"[^.!?¡¿\n]+[.!?]*")
_WORD = re.compile(r"[\wáéíóúñü]+", re.IGNORECASE)
_THRESHOLD = 0.05  # VADER's own cut between neutral and polar compound scores
_ES_NEGATIONS = frozenset({"no", "nunca", "jamas", "ni", "sin", "tampoco", "nada", "nadie"})
_ES_BOOSTERS = {
    "muy": 0.293,
    "mucho": 0.293,
    "muchisimo": 0.4,
    "bastante": 0.2,
    "demasiado": 0.293,
    "extremadamente": 0.4,
    "super": 0.293,
    "poco": -0.293,
    "algo": -0.2,
}


@cache
def _spanish_lexicon() -> dict[str, float]:
    path = resources.files("meddoc.local.language_data").joinpath("sentiment_es.tsv")
    lexicon: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, valence = line.split("\t")
            lexicon[word] = float(valence)
    return lexicon


def spanish_compound(sentence: str) -> float:
    """VADER's arithmetic on a Spanish lexicon: negation within three words flips and
    damps a valence, boosters scale it, 'pero' gives the clause after it more weight."""
    lexicon = _spanish_lexicon()
    words = [fold(w) for w in _WORD.findall(sentence)]
    pivot = words.index("pero") if "pero" in words else -1
    total = 0.0
    for index, word in enumerate(words):
        valence = lexicon.get(word)
        if valence is None:
            continue
        window = words[max(0, index - 3) : index]
        for booster in window:
            valence += _ES_BOOSTERS.get(booster, 0.0) * (1 if valence > 0 else -1)
        if any(w in _ES_NEGATIONS for w in window):
            valence *= -0.74
        if pivot >= 0:
            valence *= 0.5 if index < pivot else 1.5
        total += valence
    return total / math.sqrt(total * total + 15) if total else 0.0


@cache
def _vader() -> Callable[[str], float]:
    from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
        SentimentIntensityAnalyzer,
    )

    analyzer = SentimentIntensityAnalyzer()
    return lambda sentence: float(analyzer.polarity_scores(sentence)["compound"])


def sentiment_engine(language: str) -> Engine:
    if language == "es":
        return Engine(name="meddoc-sentiment-es", version="1")
    return Engine(name="vaderSentiment", version=metadata.version("vaderSentiment"))


def analyze_sentiment(text: str, language: str) -> Sentiment:
    """Polar sentences add their strength to POSITIVE or NEGATIVE, all add their
    remainder to NEUTRAL; MIXED grows with the weaker of the two polar sides."""
    compound = spanish_compound if language == "es" else _vader()
    positive = negative = neutral = 0.0
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if not _WORD.search(sentence):
            continue
        score = compound(sentence)
        strength = abs(score) if abs(score) >= _THRESHOLD else 0.0
        if score > 0:
            positive += strength
        else:
            negative += strength
        neutral += 1.0 - strength
    mixed = 2.0 * min(positive, negative)
    total = positive + negative + neutral + mixed
    if total == 0:
        return Sentiment("NEUTRAL", 0.0, 0.0, 1.0, 0.0)
    scores = {
        "POSITIVE": positive / total,
        "NEGATIVE": negative / total,
        "NEUTRAL": neutral / total,
        "MIXED": mixed / total,
    }
    label = max(scores, key=lambda k: scores[k])
    return Sentiment(
        label, scores["POSITIVE"], scores["NEGATIVE"], scores["NEUTRAL"], scores["MIXED"]
    )

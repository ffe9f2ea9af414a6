"""No guide states a fact about today that pricing.json could contradict: every figure, superlative or
comparison in a sentence about today comes from a shortcode, computed from pricing.json at build."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

PAGES = sorted((ROOT / "docs").rglob("*.md"))
SHORTCODE = re.compile(r"<!--\s*calc:.*?-->", re.DOTALL)
TODAY = re.compile(r"\b(today|today's|now|currently|current|at the snapshot|these days)\b", re.IGNORECASE)
# What a sentence about today may not state in its own words: numbers, counts, money, and claims that
# depend on prices (cheapest, largest, moved, rose, fell, ...).
CLAIMS = re.compile(
    r"(\$\s?\d|\d+(\.\d+)?\s?%|\b\d[\d,.]*\b|\b(two|three|four|five|six|seven|eight|nine|ten|twelve|sixteen)\b"
    r"|\b(cheap\w*|dear\w*|expensive|largest|biggest|fastest|slowest|most|least|moved|rose|risen|fell|fallen"
    r"|cut|higher|lower)\b)",
    re.IGNORECASE,
)
ALLOWED = re.compile(
    r"(\b(19|20)\d\d\b|\bGPT-2\b|\b\d+(M|B)\b|\bH100s?\b|\bA100s?\b|\bB200\b|\bL4\b|\bT4\b|\bK80\b|\b\d+x\b|"
    r"\bp\d\w*\.\w+|\bg\d\w*\.\w+|\bc5\.\w+|\bsessions?\b|\bboto3\b|\bUbuntu 20\.04\b|\b\d+-bit\b|RTX \d+|"
    r"\bfp(8|16|32)\b|\bbf16\b|\bv\d\b|\bN\b|cheapest first|lower bound)",
)


def sentences(text: str):
    """Sentences of a Markdown page, with its shortcodes replaced by a marker."""
    text = SHORTCODE.sub(" ⟨computed⟩ ", text)
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep the words, drop the address
    for block in re.split(r"\n\s*\n|\n\s*[-|!=#]|(?<=[.!?])\s+", text):
        sentence = " ".join(block.split())
        if sentence:
            yield sentence


def uncomputed_claims(sentence: str) -> list[str]:
    """The claims a sentence makes in its own words (not from a shortcode), once names and years are set aside.

    A question, a heading or a pointer to another section asks or points; it states nothing.
    """
    if "⟨computed⟩" in sentence or sentence.endswith("?") or sentence.startswith(("#", "See ")):
        return []
    bare = ALLOWED.sub(" ", sentence)
    return [match.group(0) for match in CLAIMS.finditer(bare)]


SECTION = re.compile(r"^(#+ .*|!!! .*|=== .*)$", re.MULTILINE)
TODAY_SECTION = re.compile(r"today|changed since|now", re.IGNORECASE)


def about_today(text: str):
    """The sentences about today: those that say so, and every sentence of a section titled about today."""
    titles = [(m.start(), m.group(0)) for m in SECTION.finditer(text)] + [(len(text), "")]
    start, title = 0, ""
    for position, next_title in titles:
        for sentence in sentences(text[start:position]):
            if TODAY_SECTION.search(title) or TODAY.search(sentence):
                yield sentence
        start, title = position, next_title


@pytest.mark.parametrize("path", PAGES, ids=[str(p.relative_to(ROOT / "docs")) for p in PAGES])
def test_sentences_about_today_take_their_facts_from_pricing(path):
    """A sentence about today that states a figure or a price-dependent claim gets it from a calc: shortcode."""
    found = []
    for sentence in about_today(path.read_text(encoding="utf-8")):
        if True:
            claims = uncomputed_claims(sentence)
            if claims:
                found.append(f"{sentence!r}: {claims}")
    assert not found, "\n".join(found)


def test_the_check_catches_a_typed_claim_about_today():
    """The rule itself: a typed price, count or superlative about today fails; one from a shortcode passes."""
    assert uncomputed_claims("Today the p5.48xlarge costs $55.04 an hour.")
    assert uncomputed_claims("AWS's prices barely moved since then; today four GPUs is the most per instance.")
    assert uncomputed_claims("Today Lambda is the cheapest.")
    assert not uncomputed_claims("Today the p5.48xlarge costs ⟨computed⟩ an hour, the most in our list.")
    assert not uncomputed_claims("Today you read it with boto3.")
    assert not uncomputed_claims("Where is it cheapest today?")
    changed = '!!! info "What changed since"\n\n    AWS\'s own prices barely moved; what changed is the choice.\n'
    assert any(uncomputed_claims(sentence) for sentence in about_today(changed))

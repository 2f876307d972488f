"""The vocabulary in bokmål through the shipped nb catalogue: hand-picked words and formats,
the glossary's terms, and English back again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from smarketing_tui import i18n, vocabulary

N = "\u00a0"  # the no-break space of Norwegian number groups and of a value and its unit
PO = (Path(__file__).resolve().parent.parent / "smarketing_tui" / "locale" / "nb"
      / "LC_MESSAGES" / "smarketing.po")
WEEK_47 = (date(2026, 11, 16), date(2026, 11, 22))
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


@pytest.fixture
def norwegian():
    i18n.use("nb")


def test_counts_take_the_norwegian_noun_and_its_plural(norwegian):
    assert vocabulary.counted(1, "decision") == "1 beslutning"
    assert vocabulary.counted(3, "decision") == "3 beslutninger"
    # bokmål's rule is English's (n != 1): zero takes the plural.
    assert vocabulary.counted(0, "action item") == "0 oppgaver"
    assert vocabulary.counted(1, "action item") == "1 oppgave"
    assert vocabulary.counted(2, "open issue") == "2 åpne saker"
    assert vocabulary.counted(1234, "lead") == f"1{N}234 leads"  # "lead" stays "lead"
    assert vocabulary.counted(1, "touch") == "1 kontaktforsøk"
    assert vocabulary.counted(4, "touch") == "4 kontaktforsøk"  # the same in the plural
    assert vocabulary.counted(2, "person") == "2 personer"


def test_every_counted_noun_reads_in_norwegian(norwegian):
    # Each noun's plural differs from the English one, except "leads" (kept by the glossary).
    # A noun the catalogue has no plural entry for falls back to English and fails here.
    english = {}
    for noun, forms in vocabulary.NOUNS.items():
        english[noun] = (forms(1), forms(2))
    i18n.use("en")
    left = [noun for noun in vocabulary.NOUNS
            if english[noun] == (vocabulary.NOUNS[noun](1), vocabulary.NOUNS[noun](2))]
    assert left == ["lead"]


def test_statuses_in_norwegian(norwegian):
    assert vocabulary.status_text("green") == "● i rute"
    assert vocabulary.status_text("amber") == "◐ i faresonen"
    assert vocabulary.status_text("red") == "○ ikke i rute"
    assert vocabulary.status_text(None) == "· ingen data"
    assert vocabulary.streak_text(3) == "ikke i rute 3 perioder på rad"
    assert vocabulary.in_a_row_text(1) == "1 periode på rad"
    # Worst first: red, amber, no data, green.
    assert vocabulary.status_counts({"green": 5, "red": 2, "no_data": 1}) == [
        ("red", "2 ikke i rute"), ("no_data", "1 uten data"), ("green", "5 i rute")]
    assert vocabulary.at_risk_from(f"70{N}%") == f"i faresonen fra 70{N}%"


def test_issue_ages_in_norwegian(norwegian):
    assert vocabulary.issue_open_text(1) == "ny"
    assert vocabulary.issue_open_text(3) == "åpen i 3 møter"
    assert vocabulary.issue_age(2) == "2 møter"
    assert vocabulary.carried_text(2) == "videreført 2×"


def test_durations_ages_and_lateness_in_norwegian(norwegian):
    # 65 minutes: the clock's 1:05:00 has no words, the same in both languages.
    assert vocabulary.duration_text(65 * 60) == "1:05:00"
    assert vocabulary.days_old(0.5) == "under én dag gammel"
    assert vocabulary.days_old(1) == "1 dag gammel"
    assert vocabulary.days_old(3.4) == "3 dager gammel"  # rounds to 3
    assert vocabulary.lateness_text(12.25) == f"12,3{N}h for sent"  # half away from zero


def test_periods_and_months_in_norwegian(norwegian):
    assert vocabulary.period_text("2026-W47", *WEEK_47) == "2026-W47 (16.11.–22.11.2026)"
    assert vocabulary.period_text("2026-12", *DECEMBER, running=True) == \
        "2026-12 (01.12.–31.12.2026, pågår)"
    assert vocabulary.month_name(12) == "desember"
    assert vocabulary.short_period("2026-10") == "okt"
    assert vocabulary.month_name(5) == vocabulary.month_short(5) == "mai"
    assert vocabulary.period_value("desember", True, f"71{N}%") == f"desember hittil 71{N}%"
    assert vocabulary.count_of(200, 412, "lead") == "200 av 412 leads"
    assert vocabulary.more_text(3) == "+3 til"
    assert vocabulary.params_text({"clock": "business", "hours": 24, "k": 3}) == \
        "innen 24 arbeidstimer, 3 kontaktforsøk"


def test_english_comes_back():
    i18n.use("nb")
    assert vocabulary.counted(3, "decision") == "3 beslutninger"
    i18n.use("en")
    assert vocabulary.counted(1, "decision") == "1 decision"
    assert vocabulary.counted(3, "decision") == "3 decisions"
    assert vocabulary.status_text("amber") == "◐ at risk"
    assert vocabulary.issue_open_text(3) == "open 3 meetings"
    assert vocabulary.period_text("2026-12", *DECEMBER, running=True) == \
        "2026-12 (01.12.–31.12.2026, running)"
    assert vocabulary.short_period("2026-10") == "Oct"


def _translations() -> list[str]:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    texts = []
    for message in catalog:
        if message.id:
            strings = message.string if isinstance(message.string, (tuple, list)) \
                else (message.string,)
            texts.extend(strings)
    return texts


def test_the_catalogue_keeps_the_glossary_and_norwegian_quotes():
    texts = _translations()
    assert len(texts) > 100  # the whole catalogue was read
    words = {word.strip(".,:;()«»").lower() for text in texts for word in text.split()}
    # The glossary's choices (README, "Glossary / Ordliste"), not their alternatives.
    assert {"lead", "leads", "oppgave", "beslutning", "sak", "samtalepunkt", "målkortet",
            "kontaktforsøk"} <= words
    assert words.isdisjoint({"emne", "emner", "handlingspunkt", "avgjørelse", "scorecard",
                             "deal", "deals", "touches"})
    # Quotes are « »: no straight quote in a translation.
    assert [text for text in texts if '"' in text or "'" in text] == []

"""Normalisation folds disguises away, never raises, and is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.normalise import EMAIL_TOKEN, MENTION_TOKEN, URL_TOKEN, normalise

# Characters the folding rules act on, so generated texts exercise them often.
TRICKY = st.text(alphabet=st.sampled_from(list(
    "aeioustcmw013457@$!|.:/_- \n\t\u200b\u00ad\u0301\u202eAÉßİ\uff41\u0430\u0435\u043e"
    "\U0001d41f")))


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_never_raises_and_is_idempotent_on_any_text(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=400, deadline=None)
@given(TRICKY)
def test_is_idempotent_on_texts_dense_in_folding_rules(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@pytest.mark.parametrize(("raw", "expected"), [
    ("He\u200bllo\u00ad W\u2060orld\u0007", "hello world"),
    ("\uff28\uff45\uff4c\uff4c\uff4f", "hello"),                      # fullwidth (NFKC)
    ("\U0001d41f\U0001d42b\U0001d41e\U0001d41e", "free"),             # mathematical bold
    ("\u0441\u0430\u0440 pl\u0435ase", "cap please"),                 # Cyrillic lookalikes
    ("caf\u00e9 na\u0308ive", "cafe naive"),                          # accents dropped
    ("fr33 m0n3y", "free money"),
    ("c4$h pr!ze", "cash prize"),
    ("we won 100mg 2nd 1st place", "we won 100mg 2nd 1st place"),     # numbers left alone
    ("sooooo goooood!!!!!!", "sooo goood!!!"),
])
def test_folds_disguises(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("see http://bit.ly/abc now", f"see {URL_TOKEN} url_bit_ly now"),
    ("visit WWW.Example.com/page!", f"visit {URL_TOKEN} url_example_com"),
    ("go to examp1e.c0m", f"go to {URL_TOKEN} url_exampie_com"),
    ("write to Jane.Doe+news@mail.example.org", f"write to {EMAIL_TOKEN}"),
    ("@some_one hi", f"{MENTION_TOKEN} hi"),
])
def test_maps_links_addresses_and_mentions_to_tokens(raw: str, expected: str) -> None:
    assert normalise(raw) == expected

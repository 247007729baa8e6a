"""Slots: placeholders in a page's Markdown filled in its final HTML (see slots.py)."""

from __future__ import annotations

from mkdocs_derivations.slots import Immediate, Slots


def test_attribute_and_text_slots_are_filled_from_what_is_known_at_fill_time() -> None:
    state = {"status": "unchecked"}
    slots = Slots()
    text = (f'<div class="deriv-{slots.attribute(lambda: state["status"])}">'
            f"{slots.text(lambda: '<b>' + state['status'] + '</b>')}</div>")
    assert "unchecked" not in text and text.count("derivslot-") == 2
    state["status"] = "proved"
    assert slots.fill(text) == ('<div class="deriv-proved"><b>proved</b></div>', 0)


def test_missing_slots_are_counted_and_repeated_ones_filled_everywhere() -> None:
    slots = Slots()
    first, second = slots.text(lambda: "1"), slots.text(lambda: "2")
    assert slots.fill(first + first) == ("11", 1)
    assert slots.fill(first + second) == ("12", 0)


def test_tokens_are_unguessable_per_page_and_foreign_tokens_stay_text() -> None:
    page, other = Slots(), Slots()
    token = page.text(lambda: "mine")
    foreign = other.text(lambda: "theirs")
    assert token != foreign
    assert page.fill(f"{token} {foreign} derivslot-0000000000000000-0") == (
        f"mine {foreign} derivslot-0000000000000000-0", 0)
    bad_index = token.replace("-0-->", "-7-->")  # the page's own token, a slot it never made
    assert page.fill(f"{bad_index} {token}") == (f"{bad_index} mine", 0)


def test_immediate_slots_are_their_values() -> None:
    now = Immediate()
    assert now.text(lambda: "<i>x</i>") == "<i>x</i>" and now.attribute(lambda: "proved") == "proved"

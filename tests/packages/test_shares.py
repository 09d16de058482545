"""Money splits exactly: shares and session values always add up to the price."""

from hypothesis import given
from hypothesis import strategies as st

import pytest

from marketplace.packages.shares import SingleFee, comparable_fee, largest_remainder, saving_against


@given(total=st.integers(min_value=0, max_value=10**9),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40))
def test_largest_remainder_parts_add_up_to_the_total_exactly(total, weights):
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    assert all(isinstance(p, int) and p >= 0 for p in parts)


@given(total=st.integers(min_value=0, max_value=10**9),
       weights=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=40))
def test_each_part_is_within_one_unit_of_its_exact_share(total, weights):
    parts = largest_remainder(total, weights)
    denominator = sum(weights)
    for part, weight in zip(parts, weights):
        # floor(exact) <= part <= floor(exact) + 1
        assert total * weight // denominator <= part <= total * weight // denominator + 1


def test_leftover_units_go_to_the_largest_remainders_then_the_earliest():
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert largest_remainder(10, [1, 2]) == [3, 7]  # 3.33 / 6.67: the larger remainder gets the unit
    assert largest_remainder(5, [0, 0]) == [3, 2]  # all-zero weights split evenly
    assert largest_remainder(0, []) == []


def test_split_refuses_negative_amounts_and_splitting_money_between_nobody():
    with pytest.raises(ValueError):
        largest_remainder(-1, [1])
    with pytest.raises(ValueError):
        largest_remainder(10, [1, -1])
    with pytest.raises(ValueError):
        largest_remainder(10, [])


def test_comparable_fee_is_the_cheapest_of_the_same_length_and_currency():
    fees = [SingleFee("First", 60, 9000, "GBP"), SingleFee("Follow-up", 45, 6000, "GBP"),
            SingleFee("Short", 45, 5500, "GBP"), SingleFee("Abroad", 45, 100, "USD")]
    assert comparable_fee(fees, 45, "GBP") == SingleFee("Short", 45, 5500, "GBP")
    assert comparable_fee(fees, 30, "GBP") is None


def test_saving_against_single_sessions():
    six = SingleFee("Session", 45, 6000, "GBP")
    saving = saving_against(30000, [(4, six), (2, six)])  # singles: 36000
    assert (saving.singles_total, saving.amount, saving.percent) == (36000, 6000, 17)  # 16.67% rounds to 17


def test_no_saving_shown_without_comparable_fees_or_when_nothing_is_saved():
    six = SingleFee("Session", 45, 6000, "GBP")
    assert saving_against(30000, [(4, six), (2, None)]) is None
    assert saving_against(36000, [(6, six)]) is None
    assert saving_against(40000, [(6, six)]) is None

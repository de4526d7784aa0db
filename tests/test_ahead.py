"""essex_anchors.lib.ahead: items made in a thread of their own, in order, with the maker's failure raised to the reader."""

import threading
import time

import pytest

from essex_anchors.lib.ahead import Ahead


def test_items_arrive_in_order_and_are_made_in_another_thread():
    makers = set()

    def items():
        for number in range(100):
            makers.add(threading.get_ident())
            yield number

    with Ahead(items(), depth=3) as ahead:
        assert list(ahead) == list(range(100))
    assert len(makers) == 1 and threading.get_ident() not in makers


def test_the_maker_runs_at_most_depth_items_ahead():
    made = []

    def items():
        for number in range(10):
            made.append(number)
            yield number

    with Ahead(items(), depth=2) as ahead:
        first = next(iter(ahead))
        time.sleep(0.3)  # time enough for the maker to run ahead as far as it may
        assert first == 0
        # Two waiting in the queue and a third made, waiting to be put in.
        assert len(made) <= 4


def test_a_failure_while_making_is_raised_to_the_reader_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("row 3 cannot be read")

    got = []
    with Ahead(items()) as ahead, pytest.raises(ValueError, match="row 3"):
        for item in ahead:
            got.append(item)
    assert got == [1, 2]


def test_closing_early_stops_the_maker():
    made = []

    def items():
        for number in range(1_000_000):
            made.append(number)
            yield number

    ahead = Ahead(items(), depth=2)
    next(iter(ahead))
    ahead.close()
    count = len(made)
    time.sleep(0.2)
    assert len(made) == count < 10

"""Large builds in worker threads: the GIL is handed back often; what lives forever is frozen."""

from __future__ import annotations

import gc
import sys

from bot.core.large_builds import LARGE, freeze_what_lives_forever, gil_handed_back_often


def test_the_switch_interval_is_short_while_any_large_build_runs() -> None:
    usual = sys.getswitchinterval()
    with gil_handed_back_often(10):
        assert sys.getswitchinterval() == usual  # a small build changes nothing
    with gil_handed_back_often(LARGE):
        assert sys.getswitchinterval() < usual
        with gil_handed_back_often(LARGE):  # two builds at once
            pass
        assert sys.getswitchinterval() < usual  # the first is still running
    assert sys.getswitchinterval() == usual


def test_what_lives_forever_is_frozen_out_of_collections() -> None:
    gc.unfreeze()
    try:
        freeze_what_lives_forever()
        assert gc.get_freeze_count() > 1000  # this process's modules, at least
    finally:
        gc.unfreeze()  # tests run on in this process: let later garbage be collected

"""Progress: stage names and the estimate of the time left."""
from align.progress import Stages, format_eta, progress_bar, timed_stages


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_stages_describe_the_current_stage_with_its_number():
    stages = Stages("first use of e5", [("exporting", 10), ("checking", 5)], clock=Clock())
    stages.next()
    assert stages.description() == "first use of e5: exporting [1/2]"
    stages.next()
    assert stages.description() == "first use of e5: checking [2/2]"


def test_stages_estimate_scales_by_how_finished_stages_ran():
    clock = Clock()
    stages = Stages("build", [("a", 10), ("b", 20)], clock=clock)
    stages.next()
    clock.now = 20.0          # "a" took twice its expected time
    stages.next()
    assert stages.seconds_left() == 40.0
    clock.now = 30.0
    assert stages.seconds_left() == 20.0


def test_stages_estimate_without_finished_stages_is_the_expected_time():
    clock = Clock()
    stages = Stages("build", [("a", 10), ("b", 20)], clock=clock)
    stages.next()
    clock.now = 4.0
    assert stages.seconds_left() == 26.0


def test_format_eta_minutes_and_seconds():
    assert (format_eta(0), format_eta(65.4), format_eta(-3)) == ("0:00", "1:05", "0:00")


def test_bars_off_the_terminal_do_nothing_but_count_stages():
    with progress_bar(10, "embedding", stage="index build 1/4") as bar:
        bar.advance(3)
    with timed_stages("build", [("a", 1), ("b", 1)]) as stages:
        stages.next()
    assert stages.index == 1

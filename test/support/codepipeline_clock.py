"""The emulator's virtual clock and the settings tests change through the control endpoint.

Time in the emulator is virtual: 'real' follows the wall clock (optionally faster), 'manual'
moves only when a test says so, so tests are fast and their outputs stable.
"""
import time

DEFAULT_DURATION = 10.0


class Clock:
    """Virtual time: 'real' follows the wall clock (times scale); 'manual' moves only when told."""

    def __init__(self):
        self.mode = "real"
        self.base = time.time()
        self.anchor = time.time()
        self.scale = 1.0

    def now(self):
        if self.mode == "real":
            return self.base + (time.time() - self.anchor) * self.scale
        return self.base

    def configure(self, mode=None, now=None, advance=None, scale=None):
        self.base = self.now()
        self.anchor = time.time()
        if mode in ("real", "manual"):
            self.mode = mode
        if now is not None:
            self.base = float(now)
        if advance is not None:
            self.base += float(advance)
        if scale is not None:
            self.scale = float(scale)


CLOCK = Clock()


class Controls:
    """What tests set through the control endpoint: failures, durations, source heads."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.injections = {}  # (pipeline, stage, action) -> list of dicts, consumed one per run
        self.durations = {}  # (pipeline, stage, action) -> seconds
        self.default_duration = DEFAULT_DURATION
        self.heads = {}  # (pipeline, action) -> {revisionId, revisionSummary, revisionUrl}

    def take_injection(self, pipeline, stage, action):
        queue = self.injections.get((pipeline, stage, action)) or []
        if not queue:
            return None
        item = queue[0]
        item["times"] = item.get("times", 1) - 1
        if item["times"] <= 0:
            queue.pop(0)
        return item


CONTROLS = Controls()

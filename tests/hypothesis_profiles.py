"""Hypothesis run lengths: bounded by default for a shared 2-core CI machine; deeper on demand.

`VIGIE_HYPOTHESIS=thorough` runs many more examples (minutes, for a quiet afternoon); the
default profile keeps the whole property suite well under a minute. `tests/conftest.py` loads
this module as a pytest plugin, so every test module gets the chosen profile.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

# A deadline flags a pathological slowdown, not ordinary jitter on a busy machine.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "thorough",
    max_examples=2_000,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("VIGIE_HYPOTHESIS", "ci"))

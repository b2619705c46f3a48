"""Shared test options: `--update-goldens` rewrites the expected outputs of golden cases."""
from __future__ import annotations

import pytest


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the .out files of golden cases from the current output")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")

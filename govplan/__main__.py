"""``python -m govplan``."""

from .cli import run

run()

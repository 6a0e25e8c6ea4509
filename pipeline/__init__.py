"""Grain-rules pipeline: ingest → normalize → structure → extract → load → calc.

Each stage is a subpackage with one entry function; each reads the previous
stage's typed output and nothing reaches backwards.
"""
from functools import cache


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("grain-rules-pipeline")
    except PackageNotFoundError:  # running from a checkout without install
        return "0.0.0+checkout"


def __getattr__(name: str) -> str:
    """`pipeline.__version__`, read from the installed metadata when first asked for (importlib.metadata
    costs a sixth of a `query`'s start-up)."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")

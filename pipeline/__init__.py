"""Grain-rules pipeline: ingest → normalize → structure → extract → load → calc.

Each stage is a subpackage with one entry function; each reads the previous
stage's typed output and nothing reaches backwards.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("grain-rules-pipeline")
except PackageNotFoundError:  # running from a checkout without install
    __version__ = "0.0.0+checkout"

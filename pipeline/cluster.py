"""Run the build's per-document stage on a Dask cluster.

`build()` processes documents on any `concurrent.futures` executor; a Dask
client gives one (`Client.get_executor()`), so a cluster needs nothing more
than this: open a client, hand its executor to the build, close it. The
workers run `pipeline.build.worker.process_batch` and write the same Parquet parts
as local worker processes; the build's main process loads them. Workers must
see the corpus and the cache folder at the same paths (one machine, or a
shared file system). See docs/scaling.md.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import ExitStack, contextmanager

from pipeline.errors import PipelineError

LOCAL = "local"


@contextmanager
def dask_executor(address: str, workers: int | None = None,
                  timeout: str = "10s") -> Iterator[tuple[Executor, int]]:
    """An executor on a Dask cluster, and its number of workers.

    `address` is `local` to start a cluster of `workers` processes (default: the machine's cores) on
    this machine, or a running scheduler's address (`tcp://host:8786`), given up on after `timeout`.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise PipelineError("E209") from exc
    with ExitStack() as stack:
        try:
            if address == LOCAL:
                cluster = stack.enter_context(LocalCluster(
                    n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                    dashboard_address=None))
                client = stack.enter_context(Client(cluster))
            else:
                client = stack.enter_context(Client(address, timeout=timeout))
        except (OSError, TimeoutError) as exc:
            raise PipelineError("E210", address, {"address": address, "detail": exc}) from exc
        yield client.get_executor(), max(1, len(client.scheduler_info()["workers"]))

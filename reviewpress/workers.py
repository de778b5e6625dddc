"""Worker processes: one pool shape for reviews, web pages, EPUBs and PDFs."""

from __future__ import annotations

import os

# How worker processes start. A build is one thread, so "fork" (workers start at once, with
# everything already imported); `serve` runs threads (the web server, PDFs in the background),
# and forking a process while another thread holds a lock (importing a module, say) can leave
# the child waiting forever, so the plugin switches to "spawn" there.
START_METHOD = "fork"
# serve renders PDFs behind the pages: its workers yield the processor to the next rebuild.
WORKER_NICENESS = 0


def _lower_priority(niceness: int) -> None:
    try:
        os.nice(niceness)
    except OSError:
        pass


def process_pool(workers: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = START_METHOD if START_METHOD in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    if WORKER_NICENESS:
        return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=_lower_priority, initargs=(WORKER_NICENESS,))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def run_jobs(function, jobs: list, workers: int | None = None):
    """Run jobs in this process when there are few, else in a pool of processes (one per core)."""
    import gc

    workers = workers or os.cpu_count() or 1
    if len(jobs) < 3 or workers == 1:
        yield from map(function, jobs)
        return
    # What this process holds (the pronouncing dictionary alone is half a million objects) moves to
    # the permanent generation before the workers fork: their garbage collections no longer scan it
    # at every full collection, and the pages holding it stay shared with this process (a scan
    # writes to every object's header, which copies the page).
    gc.freeze()
    try:
        with process_pool(min(workers, len(jobs))) as pool:
            yield from pool.map(function, jobs, chunksize=1)
    finally:
        gc.unfreeze()

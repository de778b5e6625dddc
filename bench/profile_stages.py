#!/usr/bin/env python3
"""Where a review's rendering time goes, stage by stage: `.venv/bin/python bench/profile_stages.py`.

Runs what a worker does for each review of a catalogue of N copies of the seed reviews
(incremental.build_review, HTML only: no print HTML, Word file or action plans), one after
another in this process, and times each stage by wrapping its function. Times are exclusive:
a stage called from another (Markdown from the context building) is counted once, in itself.
Processor time (process_time) is shown beside wall time; the load average at the start and end.

  .venv/bin/python bench/profile_stages.py --reviews 64
  .venv/bin/python bench/profile_stages.py --reviews 64 --code /tmp/old   # another version's reviewpress/
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (stage, module, attribute path): each is wrapped; time is exclusive of the stages it calls.
STAGES = [
    ("YAML (compose + plain data)", "reviewpress.loading", "load_yaml"),
    ("validation (pydantic) and loading", "reviewpress.loading", "load_review"),
    ("integrity checks", "reviewpress.integrity", "check_review"),
    ("organisations check", "reviewpress.organisations", "organisation_errors"),
    ("readability", "reviewpress.readability", "score_summary"),
    ("context building", "reviewpress.context", "build_context"),
    ("inline (regexes, markers)", "reviewpress.inline", "InlineRenderer.block"),
    ("Markdown", "markdown", "Markdown.convert"),
    ("nh3 cleaning", "reviewpress.inline", "clean"),
    ("Jinja (templates)", "reviewpress.rendering", "render_content"),
    ("records and blobs", "reviewpress.incremental", "BuildCache.put"),
]


class Timer:
    def __init__(self):
        self.stack: list[list] = []  # [stage, started wall, started cpu, children wall, children cpu]
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, stage: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            frame = [stage, time.perf_counter(), time.process_time(), 0.0, 0.0]
            self.stack.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                self.stack.pop()
                wall = time.perf_counter() - frame[1]
                cpu = time.process_time() - frame[2]
                self.wall[stage] = self.wall.get(stage, 0.0) + wall - frame[3]
                self.cpu[stage] = self.cpu.get(stage, 0.0) + cpu - frame[4]
                self.calls[stage] = self.calls.get(stage, 0) + 1
                if self.stack:
                    self.stack[-1][3] += wall
                    self.stack[-1][4] += cpu
        return timed


def install(timer: Timer) -> None:
    for stage, module_name, path in STAGES:
        module = importlib.import_module(module_name)
        owner = module
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = getattr(owner, name)
        setattr(owner, name, timer.wrap(stage, original))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", "-n", type=int, default=48)
    parser.add_argument("--code", type=Path, default=ROOT, help="the folder whose reviewpress/ is profiled")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    import reviewpress.incremental  # noqa: F401  (from --code, before run.py puts this project first)

    sys.path.insert(1, str(ROOT / "bench"))
    import run as bench  # make_project

    bench.CODE = args.code
    if all((args.code / name).exists() for name in ("templates", "content", "mkdocs.yml")):
        bench.SOURCE = args.code  # that version's content and templates, as run.py --code does
    scratch = Path(tempfile.mkdtemp(prefix="reviewpress-profile-"))
    project = scratch / "catalogue"
    bench.make_project(project, args.reviews)
    # make_project links reviewpress/ into the project; nothing here needs it
    from reviewpress import incremental

    assert Path(incremental.__file__).resolve().is_relative_to(args.code.resolve()), incremental.__file__
    timer = Timer()
    install(timer)
    fingerprints = incremental.Fingerprints.compute(project / "templates", project / "content/cpd-template.yaml",
                                                    project / "content/organisations.yaml", "", project / "content/themes.yaml")
    load = os.getloadavg()[0]
    started, started_cpu = time.perf_counter(), time.process_time()
    incremental.warm_up()
    warm = time.perf_counter() - started, time.process_time() - started_cpu
    gc_before = gc.get_stats()
    started, started_cpu = time.perf_counter(), time.process_time()
    for path in sorted((project / "content/reviews").glob("*.yaml")):
        job = incremental.ReviewJob(path, fingerprints.review_key(path.read_bytes(), path.name), project / "templates",
                                    project / "content/cpd-template.yaml", project / ".cache/build", None,
                                    organisations=project / "content/organisations.yaml")
        result = incremental.build_review(job)
        assert result.record is not None, (path, result.errors, result.problems)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    collections = sum(s["collections"] for s in gc.get_stats()) - sum(s["collections"] for s in gc_before)
    n = args.reviews
    print(f"{n} reviews, one process, code {args.code}; load average {load:.1f} -> {os.getloadavg()[0]:.1f}")
    print(f"warm-up (before forking): {warm[0]:.2f} s wall, {warm[1]:.2f} s CPU")
    print(f"reviews: {wall:.2f} s wall, {cpu:.2f} s CPU; {wall / n * 1000:.1f} ms wall, {cpu / n * 1000:.1f} ms CPU per review; "
          f"{collections} garbage collections\n")
    print(f"| {'Stage':<36} | ms/review wall | ms/review CPU | calls/review |")
    print(f"|{'-' * 38}|---------------:|--------------:|-------------:|")
    for stage, _, _ in STAGES:
        if stage in timer.wall:
            print(f"| {stage:<36} | {timer.wall[stage] / n * 1000:14.2f} | {timer.cpu[stage] / n * 1000:13.2f} | "
                  f"{timer.calls[stage] / n:12.0f} |")
    rest_wall = wall - sum(timer.wall.values())
    rest_cpu = cpu - sum(timer.cpu.values())
    print(f"| {'everything else':<36} | {rest_wall / n * 1000:14.2f} | {rest_cpu / n * 1000:13.2f} |              |")
    import shutil

    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

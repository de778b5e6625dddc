"""`python build.py [build|check|serve|import]`: the commands publication staff run.

A build goes into a temporary folder beside site/ and replaces site/ only when
everything succeeded, so a failed or interrupted build never damages the last
good site.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class _Progress(logging.Handler):
    """Shows the plugin's progress lines (PDF n/N) as they happen."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno == logging.INFO and record.name.startswith("mkdocs.plugins.reviewpress"):
            print(f"  {message}", flush=True)


def _config(config_file: Path, **overrides):
    from mkdocs.config import load_config

    return load_config(str(config_file), **overrides)


def build_site(config_file: Path = ROOT / "mkdocs.yml", site_dir: Path | None = None, pdfs: bool = True, quiet: bool = False) -> int:
    """Build atomically into site_dir (default: the config's site/). Returns an exit status."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    collector = _Collect()
    progress = _Progress(logging.INFO)
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collector)
    if not quiet:
        mkdocs_log.addHandler(progress)
        mkdocs_log.setLevel(logging.INFO)
    try:
        config = _config(config_file)
        final = Path(site_dir) if site_dir else Path(config.site_dir)
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-building-", dir=final.parent))
        config = _config(config_file, site_dir=str(staging))
        plugin = config.plugins["reviewpress"]
        plugin.config.pdfs = pdfs
        try:
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except (MkDocsException, SystemExit, OSError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            _print_failure(collector, exc)
            return 1
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _swap_in(staging, final)
    finally:
        mkdocs_log.removeHandler(collector)
        mkdocs_log.removeHandler(progress)
    if not quiet:
        _print_summary(plugin, final, time.perf_counter() - started)
    return 0


def _swap_in(staging: Path, final: Path) -> None:
    """Replace final with staging; at every moment either the old or the new site is complete."""
    old = final.with_name(f".{final.name}-old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)


def _print_failure(collector: _Collect, exc: BaseException) -> None:
    print("The build failed. site/ was not changed.\n", file=sys.stderr)
    shown = False
    for record in collector.records:
        message = record.getMessage()
        if message.startswith("Aborted with"):
            continue
        print(message, file=sys.stderr)
        shown = True
    if not shown:
        print(str(exc), file=sys.stderr)


def _print_summary(plugin, site: Path, seconds: float) -> None:
    print(f"\nBuilt {site} ({len(plugin.reviews)} reviews, {plugin.rendered_pdfs} PDFs rendered, "
          f"{len(plugin.summary) - plugin.rendered_pdfs} reused from the cache)\n")
    width = max((len(f"{s.slug} / {s.output.name}") for s in plugin.summary), default=10)
    for s in plugin.summary:
        name = f"{s.slug} / {s.output.name}"
        print(f"  {name:<{width}}  {s.pdf.pages:>4} pages  {s.pdf.size_label:>8}")
    print(f"\nTotal time {seconds:.1f} s")


def check(reviews_dir: Path = ROOT / "content/reviews", cpd_template: Path | None = ROOT / "content/cpd-template.yaml") -> int:
    from .errors import ContentErrors
    from .plugin import load_content

    try:
        reviews, warnings, _ = load_content(reviews_dir, cpd_template)
    except ContentErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"warning: {warning}")
    _print_readability(reviews)
    print(f"All {len(reviews)} reviews are valid.")
    return 0


def _print_readability(reviews) -> None:
    try:
        from .readability import score_summary
    except ImportError:
        return
    for item in reviews:
        report = score_summary(item.review.young_people)
        print(f"{item.review.slug}: young people's page: Flesch-Kincaid grade {report.flesch_kincaid_grade:.1f}, "
              f"reading ease {report.flesch_reading_ease:.0f}, mean sentence {report.mean_sentence_length:.1f} words")


def serve(config_file: Path = ROOT / "mkdocs.yml", address: str = "127.0.0.1:8000") -> int:
    from mkdocs.commands.serve import serve as mkdocs_serve

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("weasyprint", "fontTools", "pikepdf"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    mkdocs_serve(config_file=str(config_file), dev_addr=address, livereload=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the review reports site.")
    parser.add_argument("--debug", action="store_true", help="show a traceback on unexpected errors")
    commands = parser.add_subparsers(dest="command")
    build_cmd = commands.add_parser("build", help="validate, build site/ and every PDF (the default)")
    build_cmd.add_argument("--no-pdf", action="store_true", help="web pages only (faster previews)")
    build_cmd.add_argument("--site-dir", type=Path, help="build somewhere other than site/")
    commands.add_parser("check", help="validate the content only")
    serve_cmd = commands.add_parser("serve", help="live preview at http://127.0.0.1:8000/")
    serve_cmd.add_argument("--address", default="127.0.0.1:8000")
    commands.add_parser("schema", help="write schema/review.schema.json from the models")
    import_cmd = commands.add_parser("import", help="draft a review YAML from a report's text")
    import_cmd.add_argument("source", type=Path)
    import_cmd.add_argument("--slug")
    import_cmd.add_argument("--force", action="store_true", help="overwrite an existing review file")
    args = parser.parse_args(argv)
    command = args.command or "build"
    try:
        if command == "build":
            return build_site(site_dir=getattr(args, "site_dir", None), pdfs=not getattr(args, "no_pdf", False))
        if command == "check":
            return check()
        if command == "schema":
            from .schema_export import SCHEMA_PATH, write_schema

            print(f"{'Updated' if write_schema() else 'Unchanged'}: {SCHEMA_PATH}")
            return 0
        if command == "serve":
            return serve(address=args.address)
        if command == "import":
            from .importer import run_import

            return run_import(args.source, args.slug, ROOT / "content/reviews", force=args.force)
    except KeyboardInterrupt:
        print("Stopped. site/ was not changed.", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"Unexpected error: {type(exc).__name__}: {exc}\nRun again with --debug for details.", file=sys.stderr)
        return 2
    return 0

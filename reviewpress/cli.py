"""`python build.py [build|check|serve|import]`: the commands publication staff run.

A build goes into a temporary folder beside site/ and replaces site/ only when
everything succeeded, so a failed or interrupted build never damages the last
good site.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import fcntl
import logging
import os
import shutil
import signal
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


class _ContentWarnings(logging.Handler):
    """Prints the content warnings the plugin logs (plugin.content_log), as `check` prints them."""

    def __init__(self, quiet: bool) -> None:
        super().__init__(logging.WARNING)
        self.quiet = quiet

    def emit(self, record: logging.LogRecord) -> None:
        if not self.quiet:
            print(f"warning: {record.getMessage()}", file=sys.stderr, flush=True)


def _config(config_file: Path, **overrides):
    from mkdocs.config import load_config

    return load_config(str(config_file), **overrides)


def build_site(config_file: Path = ROOT / "mkdocs.yml", site_dir: Path | None = None, pdfs: bool = True, quiet: bool = False,
               drafts: bool = False, strict: bool = False) -> int:
    """Build atomically into site_dir (default: the config's site/). Returns an exit status.
    strict: any content warning fails the build (as mkdocs.yml's `strict: true` does for mkdocs' own)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    collector = _Collect()
    progress = _Progress(logging.INFO)
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collector)
    content_log = logging.getLogger("reviewpress.content")
    content_warnings = _ContentWarnings(quiet)
    content_log.addHandler(content_warnings)
    if not quiet:
        mkdocs_log.addHandler(progress)
        mkdocs_log.setLevel(logging.INFO)
    project_lock = None
    try:
        if problem := _environment_problem():
            print(f"The build failed. site/ was not changed.\n\n{problem}", file=sys.stderr)
            return 1
        try:
            config = _config(config_file)
        except (MkDocsException, SystemExit) as exc:
            _print_failure(collector, exc)
            return 1
        final = Path(site_dir) if site_dir else Path(config.site_dir)
        try:
            project_lock = _lock_project(Path(config.config_file_path).parent, quiet)
            final.parent.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(final)
            staging, lock = _new_staging(final)
        except OSError as exc:
            where = exc.filename or final.parent
            print(f"The build failed. site/ was not changed.\n\nCannot write to {where}: {exc.strerror or exc}. "
                  "The build keeps its cache in the project's .cache/ folder and writes the new site beside site/ "
                  "before swapping it in; make both writable.", file=sys.stderr)
            return 1
        watched = _content_state(Path(config.config_file_path).parent)
        try:
            config.site_dir = str(staging)  # not loaded again: loading the config takes a noticeable part of a no-change build
            plugin = config.plugins["reviewpress"]
            plugin.config.pdfs = pdfs
            plugin.config.drafts = drafts
            plugin.config.strict = strict or plugin.config.strict
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except (MkDocsException, SystemExit, OSError) as exc:
            _discard(staging, lock)
            _print_failure(collector, exc)
            return 1
        except BaseException:
            _discard(staging, lock)
            raise
        changed = _changed_files(watched, _content_state(Path(config.config_file_path).parent))
        if changed:
            _discard(staging, lock)
            names = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
            print(f"The build failed. site/ was not changed.\n\n{names} changed while the site was being built, "
                  "so publishing it would show an older state of the content. Build again.", file=sys.stderr)
            return 1
        _swap_in(staging, final)
        _discard(staging, lock)  # staging now holds the previous site
    finally:
        mkdocs_log.removeHandler(collector)
        mkdocs_log.removeHandler(progress)
        content_log.removeHandler(content_warnings)
        if project_lock is not None:
            os.close(project_lock)
    if not quiet:
        _print_summary(plugin, final, time.perf_counter() - started)
    return 0


# --- atomic replacement of site/ ------------------------------------------------------
#
# A build writes into `.site-building-<random>/` beside site/, holding an
# exclusive lock on `.site-building-<random>.lock` for as long as it runs. Only
# a complete build is swapped in, with one atomic rename (Linux renameat2
# RENAME_EXCHANGE), so at every instant site/ is either the whole old site or
# the whole new one, whenever the build is killed. The next build removes
# what a killed one left behind: folders whose lock nobody holds any more.


def _environment_problem() -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and not epoch.strip().isdigit():
        return (f'SOURCE_DATE_EPOCH is set to "{epoch}"; it must be a whole number of seconds since 1 January 1970 '
                "(for example 1700000000), or not set at all.")
    return None


def _lock_project(root: Path, quiet: bool) -> int:
    """One build of a project at a time: a second one waits for the first, so the newer content is the one
    published last. (An older build finishing after a newer one would otherwise put back older content.)"""
    folder = root / ".cache"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / "build.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("Another build of this project is running; this one starts when it has finished.", file=sys.stderr, flush=True)
        fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


# What a build reads: if any of it changes while the build runs, what it made is already out of date.
WATCHED = ("content", "templates", "mkdocs.yml")


def _content_state(root: Path) -> dict[str, tuple[int, int]]:
    state: dict[str, tuple[int, int]] = {}
    for name in WATCHED:
        top = root / name
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else []
        for path in paths:
            try:
                status = path.stat()
            except OSError:
                continue
            state[path.relative_to(root).as_posix()] = (status.st_size, status.st_mtime_ns)
    return state


def _changed_files(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def _new_staging(final: Path) -> tuple[Path, int]:
    lock, lock_path = tempfile.mkstemp(prefix=f".{final.name}-building-", suffix=".lock", dir=final.parent)
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the lock exists before the folder does
    staging = Path(lock_path[: -len(".lock")])
    staging.mkdir()
    return staging, lock


def _remove_tree(path: Path | str) -> None:
    """rmtree that also removes folders made read-only (a site/ someone protected: its old copy is ours to delete)."""
    def make_writable_and_retry(function, name, _):
        try:
            os.chmod(os.path.dirname(name), 0o755)
            if os.path.isdir(name):
                os.chmod(name, 0o755)
            function(name)
        except OSError:
            pass

    if os.path.lexists(path):
        shutil.rmtree(path, onerror=make_writable_and_retry)


def _discard(staging: Path, lock: int) -> None:
    _remove_tree(staging)
    _remove_tree(f"{staging}.old")
    try:
        os.unlink(f"{staging}.lock")
    except OSError:
        pass
    os.close(lock)


def _remove_leftovers(final: Path) -> None:
    """Remove the folders of builds that were killed; a running build's folder is left alone."""
    prefix = f".{final.name}-building-"
    for lock_path in sorted(final.parent.glob(f"{prefix}*.lock")):
        staging = Path(str(lock_path)[: -len(".lock")])
        try:
            fd = os.open(lock_path, os.O_RDWR)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # another build is running
            old = Path(f"{staging}.old")
            if old.is_dir() and not final.exists():
                os.replace(old, final)  # killed between the two renames of the fallback swap
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)
            os.unlink(lock_path)
        finally:
            os.close(fd)
    for orphan in final.parent.glob(f"{prefix}*"):
        # a folder without a lock file: from a build killed before it took its lock
        if orphan.is_dir() and not Path(f"{str(orphan).removesuffix('.old')}.lock").exists():
            if orphan.name.endswith(".old") and not final.exists():
                os.replace(orphan, final)
            else:
                shutil.rmtree(orphan, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 with RENAME_EXCHANGE)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False  # the kernel or file system cannot exchange: fall back to two renames
    raise OSError(error, os.strerror(error), str(b))


def _swap_in(staging: Path, final: Path) -> None:
    """Put the new site in place of the old one; afterwards staging holds the old site."""
    if not final.exists():
        os.replace(staging, final)
        return
    if _exchange(staging, final):
        return
    old = Path(f"{staging}.old")
    os.replace(final, old)
    os.replace(staging, final)
    os.replace(old, staging)


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
    changed = len(plugin.stats.get("reviews_rendered", [])) if getattr(plugin, "stats", None) else len(plugin.reviews)
    print(f"\nBuilt {site} ({len(plugin.reviews)} reviews, {changed} read and rendered again; {plugin.rendered_pdfs} PDFs rendered, "
          f"{len(plugin.summary) - plugin.rendered_pdfs} reused from the cache)\n")
    def name(s) -> str:
        return f"{s.slug} / {s.output.name}" + (f" ({s.edition.name})" if s.edition.key else "")

    width = max((len(name(s)) for s in plugin.summary), default=10)
    for s in plugin.summary:
        print(f"  {name(s):<{width}}  {s.pdf.pages:>4} pages  {s.pdf.size_label:>8}")
    if getattr(plugin, "epub_files", 0):
        print(f"\n  {plugin.epub_files} EPUB files (full reports, recommendations and key points for young people)")
    if getattr(plugin, "action_plan_files", 0):
        print(f"\n  {plugin.action_plan_files} action-plan files (Excel, Word and CSV for each organisation named)")
    print(f"\nTotal time {seconds:.1f} s")


def _content_paths(config_file: Path) -> tuple[Path, Path, Path | None, Path | None]:
    """The reviews folder, CPD template, organisations and themes lists a project's mkdocs.yml names (so `-f other/mkdocs.yml check` checks that project)."""
    root = Path(config_file).resolve().parent
    options: dict = {}
    try:
        import yaml

        for entry in (yaml.safe_load(Path(config_file).read_text(encoding="utf-8")) or {}).get("plugins", []):
            if isinstance(entry, dict) and isinstance(entry.get("reviewpress"), dict):
                options = entry["reviewpress"]
    except Exception:  # unreadable, or mkdocs-only YAML tags (!ENV): the build reports mkdocs.yml's problems
        pass
    organisations = options.get("organisations", "content/organisations.yaml")
    themes = options.get("themes", "content/themes.yaml")
    return (root / options.get("reviews_dir", "content/reviews"), root / options.get("cpd_template", "content/cpd-template.yaml"),
            root / organisations if organisations else None, root / themes if themes else None)


def check(reviews_dir: Path = ROOT / "content/reviews", cpd_template: Path | None = ROOT / "content/cpd-template.yaml",
          organisations: Path | None = ROOT / "content/organisations.yaml", themes: Path | None = ROOT / "content/themes.yaml") -> int:
    from .checks import load_content
    from .errors import ContentErrors

    try:
        reviews, warnings, _ = load_content(reviews_dir, cpd_template, organisations, themes)
    except ContentErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"warning: {warning}")
    from .importing.drafts import draft_errors

    for draft in draft_errors([item.path for item in reviews]):
        print(f"warning: not publishable yet, `build` will refuse it: {draft}")
    _print_readability(reviews)
    print(f"All {len(reviews)} reviews are valid.")
    return 0


def suggest_themes(paths: list[Path], content_paths: tuple, write: bool = False) -> int:
    """Print the themes the keyword rules propose for each recommendation without any; --write adds them to the files."""
    from .errors import ContentErrors
    from .loading import load_review
    from .themes import read_themes, theme_suggestions, write_suggestions

    reviews_dir, _, _, themes_file = content_paths
    try:
        theme_list = read_themes(themes_file)
    except ContentErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    status = 0
    for path in paths or sorted(reviews_dir.glob("*.yaml")):
        item, errors = load_review(path)
        if item is None:
            print("\n".join(str(e) for e in errors), file=sys.stderr)
            status = 1
            continue
        suggestions = theme_suggestions(item, theme_list)
        if not suggestions:
            continue
        print(f"{path}:")
        for line, number, ids in suggestions:
            print(f"  line {line}: recommendation {number}: {', '.join(ids) if ids else '(no keyword matched: choose by hand)'}")
        if write:
            print(f"  wrote {write_suggestions(path, suggestions)} of them into the file: read each before publishing")
    if not write:
        print("Nothing was changed. Add the themes you accept under each recommendation (themes: [id, ...]), "
              "or run again with --write and then correct them.")
    return status


def _print_readability(reviews) -> None:
    try:
        from .readability import score_summary
    except ImportError:
        return
    for item in reviews:
        report = score_summary(item.review.young_people)
        print(f"{item.review.slug}: young people's page: Flesch-Kincaid grade {report.flesch_kincaid_grade:.1f}, "
              f"SMOG {report.smog_index:.1f}, Dale-Chall {report.dale_chall:.1f}, "
              f"reading ease {report.flesch_reading_ease:.0f}, mean sentence {report.mean_sentence_length:.1f} words")


def serve(config_file: Path = ROOT / "mkdocs.yml", address: str = "127.0.0.1:8000") -> int:
    from .preview import serve as preview

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("weasyprint", "fontTools", "pikepdf"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        preview(config_file=str(config_file), dev_addr=address)
    finally:
        stopped = _stop_workers()
    if stopped:
        # Python's exit would now wake the process pool those workers belonged to, which can print a
        # traceback (a race in 3.11's concurrent.futures); serve has nothing else to finish.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0


def _stop_workers() -> bool:
    """Stop the processes still rendering PDFs in the background, so that stopping serve takes a moment,
    not as long as the PDFs would (Python waits for a process pool's work at exit). Their files are
    written atomically, so an interrupted one leaves nothing half-written in the cache. True if any was running."""
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=5)
    return bool(children)


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the review reports site.")
    parser.add_argument("--debug", action="store_true", help="show a traceback on unexpected errors")
    parser.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml",
                        help="the project's mkdocs.yml (default: this one; bench/run.py builds scratch copies)")
    common = argparse.ArgumentParser(add_help=False)  # so that `build.py check --debug` works too
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on unexpected errors")

    class CommandParser(argparse.ArgumentParser):
        def __init__(self, **kwargs) -> None:
            super().__init__(parents=[common], **kwargs)

    commands = parser.add_subparsers(dest="command", parser_class=CommandParser)
    build_cmd = commands.add_parser("build", help="validate, build site/ and every PDF (the default)")
    build_cmd.add_argument("--no-pdf", action="store_true", help="web pages only, without the PDF and Word downloads (faster previews)")
    build_cmd.add_argument("--site-dir", type=Path, help="build somewhere other than site/")
    build_cmd.add_argument("--draft", action="store_true",
                           help="also build reviews still marked `status: draft` or holding placeholders (for checking, not publishing)")
    build_cmd.add_argument("--strict", action="store_true",
                           help="fail on any content warning too (such as a recommendation no finding cites), publishing nothing")
    commands.add_parser("check", help="validate the content only")
    serve_cmd = commands.add_parser("serve", help="live preview at http://127.0.0.1:8000/")
    serve_cmd.add_argument("--address", default="127.0.0.1:8000")
    commands.add_parser("schema", help="write schema/review.schema.json from the models")
    themes_cmd = commands.add_parser("suggest-themes", help="propose themes for recommendations that have none, for a person to accept")
    themes_cmd.add_argument("reviews", type=Path, nargs="*", help="review files (default: every review)")
    themes_cmd.add_argument("--write", action="store_true",
                            help="write the proposals into the files (read them before publishing: they are keyword guesses)")
    import_cmd = commands.add_parser("import", help="draft a review YAML from a report (.txt, .docx or .pdf)")
    import_cmd.add_argument("source", type=Path)
    import_cmd.add_argument("--slug")
    import_cmd.add_argument("--force", action="store_true", help="overwrite an existing review file")
    import_cmd.add_argument("--proof", type=Path, help="where to write the proof report (default: .cache/import/<slug>-proof.html)")
    args = parser.parse_args(argv)
    command = args.command or "build"
    if command in ("build", "check", "serve") and not Path(args.config_file).is_file():
        print(f"{args.config_file}: no such file. -f (--config-file) names the project's mkdocs.yml.", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _stop)  # a stopped build cleans up after itself, like Ctrl-C
    try:
        if command == "build":
            return build_site(args.config_file, site_dir=getattr(args, "site_dir", None), pdfs=not getattr(args, "no_pdf", False),
                              drafts=getattr(args, "draft", False), strict=getattr(args, "strict", False))
        if command == "check":
            return check(*_content_paths(args.config_file))
        if command == "schema":
            from .schema_export import SCHEMA_PATH, write_schema

            print(f"{'Updated' if write_schema() else 'Unchanged'}: {SCHEMA_PATH}")
            return 0
        if command == "serve":
            return serve(args.config_file, address=args.address)
        if command == "suggest-themes":
            return suggest_themes(args.reviews, _content_paths(args.config_file), write=args.write)
        if command == "import":
            from .importer import run_import

            return run_import(args.source, args.slug, _content_paths(args.config_file)[0], force=args.force, proof=args.proof)
    except KeyboardInterrupt:
        print("Stopped. site/ was not changed.", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"Unexpected error: {type(exc).__name__}: {exc}\nRun again with --debug for details.", file=sys.stderr)
        return 2
    return 0

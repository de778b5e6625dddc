#!/usr/bin/env python3
"""Build speed, memory and search-size benchmark: `make bench` or `.venv/bin/python bench/run.py`.

It builds a catalogue of N reviews, made by copying the real ones in content/reviews/
under new slugs, in a scratch copy of the project (content/ and site/ are never
touched), and prints a table; each figure is the median of --runs runs:

  cold full build            empty cache: every review checked and rendered, every PDF, the search index
  no-change rebuild          the same build again (whole `python build.py` wall time)
  rebuild after one edit     one review's title changed (it is in all four outputs)
  HTML-only build            `build --no-pdf` (web pages and search, no PDF or Word file) with an empty cache,
                             per review (also at N/4 and N/2: linear?)
  PDF pages per second       pages rendered / time of the PDF step of the cold build
  bare WeasyPrint            the same print HTML files through `weasyprint in.html out.pdf` (one process per
                             file, as many at once as there are cores) and in one Python process, with the
                             same options (PDF/UA-1, custom metadata, forms for the CPD template)
  peak memory                the build's process tree, summed proportional set size (PSS), sampled
  one search                 bytes a browser downloads to search once and show the first results
                             (Playwright with Debian's chromium, over a local HTTP server)
  serve: save to page        seed site under `python build.py serve`: a review saved until the new page is served

Every timed figure shows the wall time, the processor time of the build's whole process tree (user +
system, from the kernel's accounting of finished child processes: it holds under load from other
processes, where wall time does not) and the 1-minute load average while it ran (mean of its value at the
start and end of each run; the build's own processes count in it).

and checks the targets (they live here, not in timed tests) and prints met / missed.

Examples:
  .venv/bin/python bench/run.py --reviews 5 --runs 3
  .venv/bin/python bench/run.py --reviews 500 --no-pdf --runs 3
  .venv/bin/python bench/run.py --reviews 50 --runs 1
  .venv/bin/python bench/run.py --reviews 500 --no-pdf --runs 1 --code /tmp/old   # another version's reviewpress/ and build.py
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from reviewpress.outputs import every_pdf_path  # noqa: E402

PDFS_A_REVIEW = len(every_pdf_path("x"))  # each output's PDF, and its large-print edition
PYTHON = sys.executable

# --- targets (issue 20) ------------------------------------------------------------------
SEED_NO_CHANGE_MAX_S = 0.3  # no-change rebuild of the seed site
NO_CHANGE_500_MAX_S = 1.0  # no-change rebuild at N = 500
EDIT_500_MAX_S = 3.0  # rebuild after editing one review, N = 500
PDF_OVERHEAD_MAX = 1.02  # our PDF time / bare WeasyPrint on the same HTML
PDF_PAGES_PER_S_MIN = 20.0  # seed PDFs on 2 processes
HTML_500_MAX_S = 30.0  # HTML-only build of 500 reviews on 2 cores, wall time
HTML_500_MAX_CPU_S = 60.0  # and processor time
LINEAR_TOLERANCE = 1.25  # time per review at N within 25 % of that at N/4
PEAK_MEMORY_MAX = 1024**3  # at N = 500
SEARCH_BYTES_MAX = 200 * 1024  # one search at N = 500
SERVE_MAX_S = 1.0  # serve: a save shows in the browser (the HTML; PDFs may follow)


# --- the scratch project -----------------------------------------------------------------


CODE: Path  # a snapshot of build.py and reviewpress/, so edits made meanwhile do not change what is measured
SOURCE: Path = ROOT  # where templates/, content/ and mkdocs.yml come from (--code, when that folder has them)


def snapshot_code(scratch: Path, source: Path = ROOT) -> None:
    global CODE, SOURCE
    CODE = scratch / "code"
    SOURCE = source if all((source / name).exists() for name in ("templates", "content", "mkdocs.yml")) else ROOT
    shutil.copytree(source / "reviewpress", CODE / "reviewpress", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(source / "build.py", CODE / "build.py")
    sys.path.insert(0, str(CODE))


def make_project(target: Path, n: int, pdf_cache: Path | None = None) -> list[str]:
    """A copy of the project's inputs with n reviews; returns their slugs."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(SOURCE / "templates", target / "templates")
    shutil.copytree(SOURCE / "content", target / "content", ignore=shutil.ignore_patterns("reviews"))
    (target / "reviewpress").symlink_to(CODE / "reviewpress")  # mkdocs.yml watches it
    config = (SOURCE / "mkdocs.yml").read_text(encoding="utf-8")
    if pdf_cache is not None:
        config = re.sub(r"^  - reviewpress\s*$", f"  - reviewpress:\n      cache_dir: {pdf_cache}", config, count=1, flags=re.M)
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    reviews = target / "content/reviews"
    reviews.mkdir()
    sources = sorted((SOURCE / "content/reviews").glob("*.yaml"))
    slugs = []
    for i in range(n):
        source = sources[i % len(sources)]
        text = source.read_text(encoding="utf-8")
        slug = source.stem if i < len(sources) else f"{source.stem}-copy-{i // len(sources)}"
        text, count = re.subn(r"^slug: .*$", f"slug: {slug}", text, count=1, flags=re.M)
        assert count == 1, f"{source}: no slug line"
        (reviews / f"{slug}.yaml").write_text(text, encoding="utf-8")
        slugs.append(slug)
    _scope_organisations_to_copies(target / "content/organisations.yaml", slugs)
    return slugs


def _scope_organisations_to_copies(path: Path, slugs: list[str]) -> None:
    """An organisation limited to some reviews (`only_in: [bury]`) is meant in their copies too."""
    if not path.exists():
        return

    def widen(match: re.Match) -> str:
        named = [s.strip() for s in match.group(2).split(",") if s.strip()]
        copies = [s for s in slugs if any(s.startswith(f"{name}-copy-") for name in named)]
        return f"{match.group(1)}[{', '.join(named + copies)}]"

    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(\s*only_in:\s*)\[([^\]]*)\]", widen, text, flags=re.M), encoding="utf-8")


def clear_cache(project: Path, keep_pdfs: bool = False) -> None:
    for name in ("build", "search") if keep_pdfs else ("build", "search", "pdf"):
        shutil.rmtree(project / ".cache" / name, ignore_errors=True)


def edit_review(project: Path, slug: str, n: int) -> None:
    path = project / "content/reviews" / f"{slug}.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^(title: .*?)( \(edit \d+\))?$", rf"\1 (edit {n})", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


# --- running a build and watching its memory ---------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_memory(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _pss(p)
        todo += _children(p)
    return total


class Run:
    def __init__(self, seconds: float, peak: int, stats: dict, output: str, cpu: float = 0.0, load: float = 0.0):
        self.seconds, self.peak, self.stats, self.output = seconds, peak, stats, output
        self.cpu = cpu  # user + system seconds of the build and every process it started
        self.load = load  # 1-minute load average, mean of the start and the end


def children_cpu() -> float:
    """User + system seconds of every finished child process of this one (and theirs, once waited for).

    Builds run one at a time from this thread, so the difference around one is that build's whole tree."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(project: Path, *args: str, memory: bool = False) -> Run:
    """`python build.py -f <project>/mkdocs.yml build ...`, timed, with what it rendered, and with memory=True
    its peak memory (sampling it takes processor time from the build: only for the cold builds)."""
    stats_file = project / "stats.json"
    stats_file.unlink(missing_ok=True)
    env = dict(os.environ, REVIEWPRESS_BUILD_STATS=str(stats_file))
    command = [PYTHON, str(CODE / "build.py"), "-f", str(project / "mkdocs.yml"), "build", *args]
    load = os.getloadavg()[0]
    cpu = children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    while memory and process.poll() is None:
        peak = max(peak, tree_memory(process.pid))
        time.sleep(0.05)
    process.wait()
    seconds = time.perf_counter() - started
    cpu = children_cpu() - cpu
    load = (load + os.getloadavg()[0]) / 2
    reader.join()
    if process.returncode != 0:
        sys.exit(f"build failed ({' '.join(command)}):\n{''.join(output)}")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return Run(seconds, peak, stats, "".join(output), cpu, load)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# --- bare WeasyPrint on the same HTML ---------------------------------------------------


def print_documents(project: Path, folder: Path) -> list[tuple[Path, bool]]:
    """The print HTML of every PDF of the project as it is now, from the build cache, as files."""
    from reviewpress.incremental import BuildCache, Fingerprints

    cache = BuildCache(project / ".cache/build")
    # As the plugin computes them (plugin.on_config), or no record is found.
    fingerprints = Fingerprints.compute(project / "templates", project / "content/cpd-template.yaml",
                                        project / "content/organisations.yaml", "", project / "content/themes.yaml")
    folder.mkdir(parents=True, exist_ok=True)
    documents = []
    for review in sorted((project / "content/reviews").glob("*.yaml")):
        record = cache.record(fingerprints.review_key(review.read_bytes(), review.name))
        assert record is not None, f"{review.name}: no record in the build cache"
        for key, spec in record["print"].items():
            target = folder / f"{record['slug']}-{key}.html"
            target.write_text(cache.get_text(spec["sha"]), encoding="utf-8")
            documents.append((target, spec["forms"]))
    return documents


def our_pdfs(documents: list[tuple[Path, bool]], templates: Path, out: Path) -> float:
    """Seconds for our PDF step (reviewpress.pdf.render_pdfs: a process per core, PDF/UA post-processing)
    on the same files, in a fresh process with an empty cache, as a build runs it."""
    shutil.rmtree(out, ignore_errors=True)
    script = (
        "import sys, json\nfrom pathlib import Path\nfrom reviewpress.pdf import PdfJob, render_pdfs\n"
        "jobs = [PdfJob(Path(p).stem, Path(p).read_text(encoding='utf-8'), forms) for p, forms in json.loads(sys.argv[1])]\n"
        "infos, errors, n = render_pdfs(jobs, Path(sys.argv[2]), Path(sys.argv[3]))\n"
        "sys.exit(1 if errors else 0)\n"
    )
    jobs = json.dumps([[str(p), forms] for p, forms in documents])
    started = time.perf_counter()
    subprocess.run([PYTHON, "-c", script, jobs, str(templates), str(out)], check=True, cwd=CODE,
                   env=dict(os.environ, PYTHONPATH=str(CODE)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def bare_weasyprint(documents: list[tuple[Path, bool]], base_url: str, out: Path, workers: int) -> tuple[float, float]:
    """(seconds with one `weasyprint` process per file, `workers` at a time; seconds in one process)."""
    out.mkdir(parents=True, exist_ok=True)
    cli = str(Path(PYTHON).with_name("weasyprint"))

    def one(document: tuple[Path, bool]) -> None:
        path, forms = document
        command = [cli, "-u", base_url, "--pdf-variant", "pdf/ua-1", "--custom-metadata", *(["--pdf-forms"] if forms else []),
                   str(path), str(out / f"{path.stem}.pdf")]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, documents))
    per_file = time.perf_counter() - started

    script = (
        "import sys, json\nfrom weasyprint import HTML\n"
        "for path, forms, target in json.loads(sys.argv[1]):\n"
        "    HTML(filename=path, base_url=sys.argv[2]).write_pdf(target, pdf_variant='pdf/ua-1', custom_metadata=True, pdf_forms=forms)\n"
    )
    jobs = json.dumps([[str(p), forms, str(out / f"{p.stem}-1.pdf")] for p, forms in documents])
    started = time.perf_counter()
    subprocess.run([PYTHON, "-c", script, jobs, base_url], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    one_process = time.perf_counter() - started
    return per_file, one_process


# --- serve: from saving a file to the page showing it -------------------------------------


def _quiet(log: Path, seconds: float, limit: float = 900) -> None:
    """Wait until the log has not grown for `seconds` (serve has finished its background work)."""
    deadline = time.monotonic() + limit
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = log.stat().st_size if log.exists() else 0
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return
        time.sleep(0.2)


def serve_latency(project: Path, slug: str, runs: int) -> list[float] | str:
    """Seconds from saving a review (its title changed) to `python build.py serve` serving the new page."""
    import signal
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = project / "serve.log"
    command = [PYTHON, str(CODE / "build.py"), "-f", str(project / "mkdocs.yml"), "serve", "--address", f"127.0.0.1:{port}"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=project, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/reviews/{slug}/"
    times = []
    try:
        deadline = time.monotonic() + 900
        while "Serving on" not in log.read_text() and time.monotonic() < deadline:
            if process.poll() is not None:
                return "serve stopped: " + log.read_text()[-500:]
            time.sleep(0.2)
        _quiet(log, 3)
        for run in range(runs):
            marker = f"(serve {run + 1}-{time.time():.0f})"
            path = project / "content/reviews" / f"{slug}.yaml"
            text = re.sub(r"^(title: .*?)( \(serve [\d-]+\))?$", rf"\1 {marker}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
            started = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while time.perf_counter() - started < 120:
                try:
                    if marker in urllib.request.urlopen(url, timeout=5).read().decode("utf-8"):
                        break
                except OSError:
                    pass
                time.sleep(0.02)
            times.append(time.perf_counter() - started)
            _quiet(log, 3)  # the PDFs, the full record and the search index follow
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    return times


# --- one search ------------------------------------------------------------------------


def search_bytes(site: Path, query: str) -> tuple[int, int, int] | str:
    """(bytes for the search itself, bytes including the page's CSS and fonts, results) or why it was not measured."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright is not installed (make test-setup)"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return "chromium is not installed (make test-setup)"

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    sizes: dict[str, int] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            page = browser.new_page()

            def finished(request):
                response = request.response()
                try:
                    sizes[request.url] = len(response.body()) if response else 0
                except Exception:
                    sizes[request.url] = 0

            page.on("requestfinished", finished)
            page.goto(base + "search.html")
            page.wait_for_load_state("networkidle")
            page.fill("#search-query", query)
            page.press("#search-query", "Enter")
            page.locator("#search-status", has_text="result").wait_for(timeout=60000)
            page.wait_for_load_state("networkidle")
            results = page.locator("#search-results li").count()
            browser.close()
    finally:
        server.shutdown()
    shared = ("assets/css/", "assets/fonts/", "assets/favicon")  # the site's own look, cached from any page
    own = sum(size for url, size in sizes.items() if not url[len(base):].startswith(shared))
    return own, sum(sizes.values()), results


# --- the benchmark -----------------------------------------------------------------------


def fmt_s(value: float | None) -> str:
    return "n/a" if value is None else (f"{value:.2f} s" if value < 10 else f"{value:.1f} s")


def stages(run: Run) -> str:
    """Where a build's time went, from what it reports (REVIEWPRESS_BUILD_STATS)."""
    s = run.stats
    parts = [f"prepare {s['prepare_seconds']:.2f} s" if "prepare_seconds" in s else "",
             f"search {s['search_seconds']:.2f} s ({s.get('search_shards_indexed', '?')} shards indexed)" if "search_seconds" in s else "",
             f"{s['pages_linked']} pages and {s.get('search_files_linked', 0)} search files unchanged (linked)" if "pages_linked" in s else ""]
    return "; ".join(p for p in parts if p)


def fmt_runs(runs: list[Run]) -> str:
    """Median wall time, with the median processor time and the load beside it."""
    return f"{fmt_s(median(r.seconds for r in runs))} (CPU {fmt_s(median(r.cpu for r in runs))}, load {median(r.load for r in runs):.1f})"


def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value / 1024:.0f} KB" if value < 1024 * 1024 else f"{value / 1024 / 1024:.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", "-n", type=int, default=5, help="catalogue size N (default 5)")
    parser.add_argument("--runs", "-r", type=int, default=3, help="runs per figure; the median is shown (default 3)")
    parser.add_argument("--no-pdf", action="store_true", help="web pages only (for large N: PDFs take minutes per review)")
    parser.add_argument("--no-linear", action="store_true", help="skip the HTML-only builds at N/4 and N/2")
    parser.add_argument("--no-bare", action="store_true", help="skip bare WeasyPrint")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve save-to-page measurement")
    parser.add_argument("--query", default="health", help="the word searched (default: health)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="measure the reviewpress/ and build.py of this folder (another version; default: this project's), "
                             "with its templates/, content/ and mkdocs.yml when it has them")
    args = parser.parse_args()
    n, runs, pdfs = args.reviews, args.runs, not args.no_pdf
    cores = os.cpu_count() or 1
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="reviewpress-bench-"))
    project = scratch / "catalogue"
    pdf_flag = () if pdfs else ("--no-pdf",)
    print(f"Benchmark: N = {n} reviews, {runs} runs per figure, {cores} cores, PDFs {'on' if pdfs else 'off'}; scratch {scratch}", flush=True)
    snapshot_code(scratch, args.code)
    load_before = os.getloadavg()[0]
    slugs = make_project(project, n)
    rows: list[tuple[str, str, str]] = []  # figure, value, note
    checks: list[tuple[str, bool | None, str]] = []

    def step(message: str) -> None:
        print(f"  {message}...", flush=True)

    # Cold full build, then no-change rebuilds, then one edit each run.
    cold, unchanged, edited = [], [], []
    original = (project / "content/reviews" / f"{slugs[-1]}.yaml").read_text(encoding="utf-8")
    for run in range(runs):
        step(f"cold build {run + 1}/{runs}")
        (project / "content/reviews" / f"{slugs[-1]}.yaml").write_text(original, encoding="utf-8")
        clear_cache(project)
        cold.append(build(project, *pdf_flag, memory=True))
        step(f"no-change rebuild {run + 1}/{runs}")
        unchanged.append(build(project, *pdf_flag))
        step(f"rebuild after editing one review {run + 1}/{runs}")
        edit_review(project, slugs[-1], run + 1)
        edited.append(build(project, *pdf_flag))
    pdf_note = "PDFs included" if pdfs else "no PDFs (--no-pdf)"
    rows.append(("Cold full build", fmt_runs(cold), f"{pdf_note}, search index, empty cache; {stages(cold[-1])}"))
    rows.append(("No-change rebuild", fmt_runs(unchanged),
                 f"renders {max(len(r.stats.get('reviews_rendered', [])) for r in unchanged)} reviews, "
                 f"{max(len(r.stats.get('pdfs_rendered', [])) for r in unchanged)} PDFs; {stages(unchanged[-1])}"))
    last = edited[-1].stats
    rows.append(("Rebuild after editing one review", fmt_runs(edited),
                 f"re-rendered reviews: {', '.join(last.get('reviews_rendered', [])) or 'none'}; PDFs: {len(last.get('pdfs_rendered', []))}; "
                 f"{stages(edited[-1])}"))
    only_edited = all(r.stats.get("reviews_rendered") == [slugs[-1]] and
                      all(k.startswith(f"{slugs[-1]}/") for k in r.stats.get("pdfs_rendered", [])) and
                      (not pdfs or len(r.stats.get("pdfs_rendered", [])) == PDFS_A_REVIEW) for r in edited)
    checks.append(("Editing one review re-renders only that review" + (f" (its {PDFS_A_REVIEW} PDFs)" if pdfs else ""), only_edited,
                   f"last edit: reviews {last.get('reviews_rendered')}, PDFs {last.get('pdfs_rendered')}"))
    nothing = all(not r.stats.get("reviews_rendered") and not r.stats.get("pdfs_rendered") and not r.stats.get("epubs_made")
                  for r in unchanged)
    checks.append(("A no-change rebuild renders nothing", nothing, ""))
    if n >= 500:
        checks.append((f"Rebuild after one edit at N = {n} under {EDIT_500_MAX_S:.0f} s", median(r.seconds for r in edited) < EDIT_500_MAX_S,
                       fmt_runs(edited)))
        checks.append((f"No-change rebuild at N = {n} under {NO_CHANGE_500_MAX_S:.0f} s",
                       median(r.seconds for r in unchanged) < NO_CHANGE_500_MAX_S, fmt_runs(unchanged)))

    # The print HTML of the cold builds, for bare WeasyPrint below (before the HTML-only builds empty the cache).
    (project / "content/reviews" / f"{slugs[-1]}.yaml").write_text(original, encoding="utf-8")
    documents = print_documents(project, scratch / "bare-html") if pdfs and not args.no_bare else []

    # HTML-only builds with an empty cache, at N (and N/4, N/2 to see that time grows linearly).
    sizes = [n] if args.no_linear or n < 8 else [max(1, n // 4), max(1, n // 2), n]
    html_times: dict[int, float] = {}
    html_runs: dict[int, list[Run]] = {}
    for size in sizes:
        target = project if size == n else scratch / f"catalogue-{size}"
        if size != n:
            make_project(target, size)
        times = []
        for run in range(runs):
            step(f"HTML-only cold build, N = {size}, {run + 1}/{runs}")
            clear_cache(target)
            times.append(build(target, "--no-pdf"))
        html_times[size] = median(r.seconds for r in times)
        html_runs[size] = times
        if size != n:
            shutil.rmtree(target, ignore_errors=True)
    for size in sizes:
        cpu = median(r.cpu for r in html_runs[size])
        rows.append((f"HTML-only build, N = {size}", fmt_runs(html_runs[size]),
                     f"{html_times[size] / size * 1000:.0f} ms wall, {cpu / size * 1000:.0f} ms CPU per review"))
    if n >= 500:
        checks.append((f"HTML-only build of {n} reviews under {HTML_500_MAX_S:.0f} s wall ({cores} cores)", html_times[n] < HTML_500_MAX_S,
                       fmt_runs(html_runs[n])))
        cpu = median(r.cpu for r in html_runs[n])
        checks.append((f"HTML-only build of {n} reviews under {HTML_500_MAX_CPU_S:.0f} s CPU", cpu < HTML_500_MAX_CPU_S, fmt_s(cpu)))
    if len(sizes) > 1:
        ratio = (html_times[n] / n) / (html_times[sizes[0]] / sizes[0])
        checks.append(("HTML-only build time grows linearly with N", ratio <= LINEAR_TOLERANCE,
                       f"time per review at N = {n} is {ratio:.2f}x that at N = {sizes[0]}"))

    # PDFs: pages per second in the cold builds, and bare WeasyPrint on the same HTML.
    if pdfs:
        pages = median(r.stats.get("pdf_pages_rendered") for r in cold)
        pdf_seconds = median(r.stats.get("pdf_seconds") for r in cold)
        rows.append(("PDF pages per second", f"{pages / pdf_seconds:.1f}" if pdf_seconds else "n/a",
                     f"{pages} pages in {fmt_s(pdf_seconds)} ({cores} processes)"))
        if n <= 16 and pdf_seconds:
            checks.append((f"PDF pages per second at least {PDF_PAGES_PER_S_MIN:.0f}", pages / pdf_seconds >= PDF_PAGES_PER_S_MIN,
                           f"{pages / pdf_seconds:.1f}"))
        if not args.no_bare:
            # Ours and bare WeasyPrint in turn, so that both meet the same load from other processes.
            base_url = (project / "templates").resolve().as_uri() + "/"
            own, per_file, one_process = [], [], []
            for run in range(runs):
                step(f"our PDF step and bare WeasyPrint on the same HTML {run + 1}/{runs}")
                own.append(our_pdfs(documents, project / "templates", scratch / "ours"))
                a, b = bare_weasyprint(documents, base_url, scratch / "bare", cores)
                per_file.append(a)
                one_process.append(b)
            ours = median(own)
            bare = median(per_file)
            rows.append(("Our PDF step on the same HTML", fmt_s(ours), f"{len(documents)} files, {cores} processes, PDF/UA post-processing"))
            rows.append(("Bare WeasyPrint, one process per file", fmt_s(bare), f"{len(documents)} files, {cores} at a time"))
            rows.append(("Bare WeasyPrint, one process", fmt_s(median(one_process)), "all files one after another"))
            rows.append(("Our PDF time / bare WeasyPrint", f"{ours / bare:.2f}x", "per-file processes, same cores"))
            checks.append((f"Our PDF time within {PDF_OVERHEAD_MAX:.2f}x of bare WeasyPrint", ours / bare <= PDF_OVERHEAD_MAX,
                           f"{fmt_s(ours)} vs {fmt_s(bare)}"))

    peak = max(r.peak for r in cold)
    rows.append(("Peak memory", fmt_bytes(peak), "cold full build, whole process tree (PSS)"))
    if n >= 500:
        checks.append((f"Peak memory under {fmt_bytes(PEAK_MEMORY_MAX)} at N = {n}", peak < PEAK_MEMORY_MAX, fmt_bytes(peak)))

    step("one search")
    measured = search_bytes(project / "site", args.query)
    if isinstance(measured, str):
        rows.append(("One search", "n/a", measured))
    else:
        own, total, results = measured
        rows.append(("One search", fmt_bytes(own), f"'{args.query}', first {results} of the results; "
                                                    f"{fmt_bytes(total)} with the page's CSS and fonts"))
        if n >= 500:
            checks.append((f"One search under {fmt_bytes(SEARCH_BYTES_MAX)} at N = {n}", own < SEARCH_BYTES_MAX, fmt_bytes(own)))

    # The seed site (the real reviews, nothing copied): no-change rebuild, sharing this run's PDFs.
    seed = scratch / "seed"
    real = len(list((SOURCE / "content/reviews").glob("*.yaml")))
    seed_slugs = make_project(seed, real, pdf_cache=(project / ".cache/pdf") if pdfs else None)
    step("seed site: first build")
    build(seed, *pdf_flag)
    seed_runs = []
    for run in range(max(runs, 3)):
        step(f"seed site: no-change rebuild {run + 1}")
        seed_runs.append(build(seed, *pdf_flag))
    seed_time = median(r.seconds for r in seed_runs)
    rows.append((f"No-change rebuild, seed site ({real} reviews)", fmt_runs(seed_runs), f"`python build.py`, {pdf_note}"))
    if not args.no_serve:
        step("seed site: serve, save to page")
        latency = serve_latency(seed, seed_slugs[0], max(runs, 3))
        if isinstance(latency, str):
            rows.append(("serve: save to page", "n/a", latency))
        else:
            rows.append(("serve: save to page", fmt_s(median(latency)),
                         "one review's title changed; web page only, its PDFs, DOCX and search index follow"))
            checks.append((f"serve shows a save within {SERVE_MAX_S:.0f} s", median(latency) < SERVE_MAX_S, fmt_s(median(latency))))
    checks.append((f"No-change rebuild of the seed site under {SEED_NO_CHANGE_MAX_S} s", seed_time < SEED_NO_CHANGE_MAX_S, fmt_runs(seed_runs)))

    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print(f"\nN = {n} reviews, median of {runs} runs, {cores} cores; 1-minute load average {load_before:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end; code: {args.code}\n"
          "Times: wall (CPU of the build's process tree, user + system; load average while it ran)\n")
    print(f"| {'Figure':<{width}} | {'Value':>{value_width}} | Note |")
    print(f"|{'-' * (width + 2)}|{'-' * (value_width + 2)}|------|")
    for name, value, note in rows:
        print(f"| {name:<{width}} | {value:>{value_width}} | {note} |")
    print("\nTargets:")
    for name, met, detail in checks:
        print(f"  {'met   ' if met else 'MISSED'}  {name}" + (f" ({detail})" if detail else ""))
    skipped = [what for what, applies in (
        (f"HTML-only build under {HTML_500_MAX_S:.0f} s, peak memory and one search are checked at N >= 500", n < 500),
        ("our PDF time vs bare WeasyPrint needs PDFs", not pdfs),
    ) if applies]
    for what in skipped:
        print(f"  (not checked: {what})")
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

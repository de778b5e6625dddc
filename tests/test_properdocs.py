"""The site builds the same with ProperDocs as with MkDocs (issue 12).

MkDocs 1.6.1 is the last 1.x release and MkDocs 2 drops plugins, which this project is. ProperDocs
continues MkDocs 1.x under another name: its own `properdocs` module and command, which runs the
`mkdocs.plugins` entry points and sends the plugin's `mkdocs.*` imports to itself. Users can move
to it without changing anything here only if it publishes the very same files. So three copies of
the project are built, by `build.py build`, `mkdocs build` and `properdocs build`, each from an
empty cache of its own (a shared cache would hand a build another one's pages), and the sites are
compared byte for byte: no difference is allowed, as none is expected.

Both commands are run as ProperDocs tells its users to (`-f mkdocs.yml`, the file named relative
to the working folder), which is why `mkdocs build` is compared with `build.py build` too: the
plugin once took that path as it came, found every review "outside" content/ and refused to build,
and compared the theme's files, which mkdocs then names relative to the working folder, with
absolute paths, so it published templates/epub/ (the EPUB's sources) as site/epub/.

PDFs (and with them the Word and EPUB files) are off: WeasyPrint makes them in worker processes
from the same HTML either way, and they would make this test take minutes instead of seconds.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reviewpress.cli import build_site

from .projects import copy_project

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _without_pdfs(config_file: Path) -> None:
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    plugins = config["plugins"]
    for index, entry in enumerate(plugins):
        if entry == "reviewpress":
            plugins[index] = {"reviewpress": {"pdfs": False}}
        elif isinstance(entry, dict) and "reviewpress" in entry:
            entry["reviewpress"] = {**(entry["reviewpress"] or {}), "pdfs": False}
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _build(command: str, project: Path) -> Path:
    program = BIN / command
    assert program.is_file(), f"{program} is missing: `make test` installs it (pip install -e '.[test]')"
    # The package under test, not whichever copy of it the virtual environment was installed from.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([str(program), "build", "--quiet", "-f", "mkdocs.yml"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"`{command} build` failed:\n{result.stdout}\n{result.stderr}"
    return project / "site"


def _files(site: Path) -> dict[str, Path]:
    return {path.relative_to(site).as_posix(): path for path in sorted(site.rglob("*")) if path.is_file()}


def _difference(name: str, ours: Path, theirs: Path, first: str, second: str) -> str:
    a, b = ours.read_bytes(), theirs.read_bytes()
    try:
        lines = difflib.unified_diff(a.decode().splitlines(), b.decode().splitlines(), first, second, lineterm="", n=1)
        return f"{name}:\n" + "\n".join(list(lines)[:12])
    except UnicodeDecodeError:
        where = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return f"{name}: {len(a)} and {len(b)} bytes, first difference at byte {where}"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """The same project built by `build.py build`, `mkdocs build` and `properdocs build`, each in its own copy."""
    first = copy_project(tmp_path_factory.mktemp("build.py") / "project")
    _without_pdfs(first / "mkdocs.yml")
    projects = {"build.py": first}
    for command in ("mkdocs", "properdocs"):
        projects[command] = tmp_path_factory.mktemp(command) / "project"
        shutil.copytree(first, projects[command])
    assert build_site(first / "mkdocs.yml", site_dir=first / "site", pdfs=False, quiet=True) == 0
    built = {"build.py": _files(first / "site")}
    built |= {command: _files(_build(command, projects[command])) for command in ("mkdocs", "properdocs")}
    assert any(name.endswith("/index.html") for name in built["build.py"]), "the build published no pages"
    return built


def _assert_same(sites: dict[str, dict[str, Path]], first: str, second: str) -> None:
    ours, theirs = sites[first], sites[second]
    assert ours.keys() == theirs.keys(), (f"only with {first}: {sorted(ours.keys() - theirs.keys())[:10]}; "
                                          f"only with {second}: {sorted(theirs.keys() - ours.keys())[:10]}")
    differing = [name for name in ours if ours[name].read_bytes() != theirs[name].read_bytes()]
    assert not differing, (f"{len(differing)} of {len(ours)} files differ:\n\n"
                           + "\n\n".join(_difference(name, ours[name], theirs[name], first, second) for name in differing[:5]))


def test_properdocs_builds_the_same_site_as_mkdocs(sites):
    _assert_same(sites, "mkdocs", "properdocs")


def test_mkdocs_build_with_a_relative_config_path_builds_the_same_site_as_build_py(sites):
    _assert_same(sites, "build.py", "mkdocs")

"""What the project publishes from content/ and templates/, and nothing else.

mkdocs copies every file of its docs folder into the site. Here the docs folder holds the
project's sources, so that would publish whatever lands there: a review saved as `.yml` (its raw
YAML, while the review vanishes from the home page), an editor's backup, notes, or a link to a
file outside the project. The rules:

  - reviews are content/reviews/*.yaml; any other file there is an error naming it, except
    editors' backup and lock files, which are ignored;
  - pages are content/pages/**/*.md, with their images (.png, .jpg, .jpeg, .gif, .webp);
  - content/ itself holds only reviews/, pages/, and the YAML files the build reads;
  - templates/ gives the theme: its templates are rendered, its other files (styles, scripts,
    fonts) published, except templates/epub/ (the EPUB's own files, read by epub.py);
  - no file may be a link to somewhere outside the project.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ContentError

# Editors' backups and lock files, and what file managers leave behind.
IGNORED = re.compile(r"(~|\.sw[a-p]|\.bak|\.orig|\.tmp)$|^\.#|^#.*#$|^\.DS_Store$|^Thumbs\.db$|^desktop\.ini$", re.I)
PAGE_FILES = {".md"}
PAGE_IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
# Files of content/ the build reads that no option names (readability.ALLOW_LIST_NAME).
READ_BY_THE_BUILD = {"young-people-words.yaml"}


def ignored(name: str) -> bool:
    return bool(IGNORED.search(name))


def outside_project(path: Path, root: Path) -> str | None:
    """Where a link leads, if it leads out of the project (or nowhere)."""
    if not path.is_symlink() and not any(parent.is_symlink() for parent in path.parents if parent.is_relative_to(root)):
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "a target that does not exist"
    return None if target.is_relative_to(root.resolve()) else str(target)


def review_paths(reviews_dir: Path, root: Path) -> tuple[list[Path], list[ContentError]]:
    """The review files, and an error for every other file in the reviews folder."""
    paths: list[Path] = []
    errors: list[ContentError] = []
    if not reviews_dir.is_dir():
        return paths, [ContentError(reviews_dir, None, None, "is not a folder: it should hold the review files (*.yaml)")]
    for path in sorted(reviews_dir.iterdir()):
        if ignored(path.name):
            continue
        if (where := outside_project(path, root)) is not None:
            errors.append(ContentError(path, None, None, f"is a link to {where}, outside the project; "
                                                         "put the review file itself in the folder"))
        elif path.is_dir():
            errors.append(ContentError(path, None, None, f"is a folder; {reviews_dir.name}/ holds only review files (*.yaml)"))
        elif path.suffix != ".yaml":
            errors.append(ContentError(path, None, None, "review files end in .yaml; rename it, or move it out of "
                                                         f"{reviews_dir.name}/ if it is not a review to publish"))
        else:
            paths.append(path)
    return paths, errors


def docs_file_problem(relative: str, path: Path, root: Path, docs_dir: Path, reviews_dir: Path, sources: set[Path]) -> str | None:
    """Why a file of the docs folder must not be published (None: publish it). Ignored files give ""."""
    if ignored(path.name):
        return ""
    if (where := outside_project(path, root)) is not None:
        return f"is a link to {where}, outside the project; links may point only inside it"
    if path.resolve() in sources or path.is_relative_to(reviews_dir) or relative in READ_BY_THE_BUILD:
        return ""  # read by the build (reported by review_paths if misnamed), never published
    parts = Path(relative).parts
    if parts[0] == "pages":
        if path.suffix.lower() in PAGE_FILES | PAGE_IMAGES:
            return None
        return (f"pages are Markdown files ({', '.join(sorted(PAGE_FILES))}) and their images "
                f"({', '.join(sorted(PAGE_IMAGES))}); this file would not be published as it is")
    return (f"{docs_dir.name}/ holds reviews/, pages/ and the files the build reads; "
            "move this file out of it (nothing else there is published)")


# Folders of templates/ that the build reads but never publishes (the EPUB's own files).
THEME_SOURCES_ONLY = ("epub",)


def theme_file_problem(path: Path, root: Path, templates_dir: Path | None = None) -> str | None:
    if ignored(path.name):
        return ""
    if templates_dir is not None and path.relative_to(templates_dir).parts[0] in THEME_SOURCES_ONLY:
        return ""
    if (where := outside_project(path, root)) is not None:
        return f"is a link to {where}, outside the project; links may point only inside it"
    return None

"""`build.py serve`: mkdocs' live-reload preview, made to show mistakes instead of hanging.

mkdocs' own `serve` stops answering after a failed rebuild ("The server will appear stuck
until build errors are resolved"): the browser waits for a build that never comes and shows
neither the error nor the page. Here a failed rebuild is caught: the browsers reload and
every page shows the problem (file, line, message) in a box above the last good version of
the page, until a save fixes it. A request for an address no page can have (a NUL byte,
say) gets 400, and a missing page 404, never a traceback.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import tempfile
from os.path import isdir, isfile, join
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer, _serve_url

log = logging.getLogger("mkdocs.plugins.reviewpress")
_BAD_PATH = re.compile(r"[\x00-\x1f\x7f\\]")
_BODY = re.compile(rb"<body\b[^>]*>", re.I)


def error_box(message: str) -> bytes:
    """The box every page shows while the content cannot be built (inline styles: no stylesheet may load)."""
    return (
        '<div role="alert" style="border:5px solid #d4351c;padding:1rem 1.25rem;margin:0;background:#fff;color:#0b0c0c;'
        'font:1.1rem/1.5 sans-serif">'
        '<h2 style="margin:0 0 .5rem">The last save could not be built</h2>'
        "<p style=\"margin:0 0 .5rem\">This preview shows the last version that built. Fix the problem below and save again; "
        "the page reloads by itself.</p>"
        f'<pre style="white-space:pre-wrap;margin:0;font-size:1rem">{html.escape(message)}</pre></div>'
    ).encode()


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith("Aborted with"):
            self.messages.append(message)


class PreviewServer(LiveReloadServer):
    build_error: str | None = None

    def _serve_request(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if _BAD_PATH.search(path.encode("latin-1", "replace").decode("utf-8", "replace")):
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Bad request: no page has an address like this one."]
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)

        try:
            result = super()._serve_request(environ, capture)
        except (OSError, ValueError, UnicodeError):
            return None  # answered as 404
        if result is None:
            return None
        headers = captured["headers"]
        content_type = dict(headers).get("Content-Type", "")
        if self.build_error and captured["status"].startswith("200") and "html" in content_type:
            body = b"".join(result)
            body = _BODY.sub(lambda m: m.group(0) + error_box(self.build_error or ""), body, count=1)
            headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers]
            start_response(captured["status"], headers)
            return [body]
        start_response(captured["status"], headers)
        return result


def serve(config_file: str, dev_addr: str) -> None:
    """mkdocs.commands.serve.serve (mkdocs 1.6.1), with PreviewServer and a builder that never raises."""
    site_dir = tempfile.mkdtemp(prefix="reviewpress_preview_")

    def get_config():
        return load_config(config_file=config_file, site_dir=site_dir, dev_addr=dev_addr)

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    config.site_url = serve_url = _serve_url(host, port, mount_path)
    server: PreviewServer

    def builder(config=None):
        log.info("Building the preview...")
        errors = _Errors()
        logging.getLogger("mkdocs").addHandler(errors)
        try:
            if config is None:
                config = get_config()
                config.site_url = serve_url
            build(config, serve_url=serve_url, dirty=False)
        except BaseException as exc:  # every failure is shown in the browser; Ctrl-C still stops serve
            if isinstance(exc, KeyboardInterrupt):
                raise
            server.build_error = "\n".join(errors.messages) or str(exc) or type(exc).__name__
            return
        finally:
            logging.getLogger("mkdocs").removeHandler(errors)
        server.build_error = None

    server = PreviewServer(builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path)

    def error_handler(code) -> bytes | None:
        page = join(site_dir, f"{code}.html")
        body = open(page, "rb").read() if code == 404 and isfile(page) else b"<!doctype html><html lang=\"en-GB\"><body></body></html>"
        if server.build_error:
            body = _BODY.sub(lambda m: m.group(0) + error_box(server.build_error or ""), body, count=1)
        return body

    server.error_handler = error_handler
    try:
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        if isdir(site_dir):
            shutil.rmtree(site_dir)

"""The hall's browser pages and their files, shipped in the package (central/static/).

No build step, no CDN: each page is one HTML file with its CSS and JavaScript beside it, served
with a strict Content-Security-Policy (only this server's own scripts, styles, audio and API).
A new page (kiosk, rating pad) adds its files to central/static/ and one line to PAGES.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

from central.errors import NotFound

# address → file in central/static
PAGES = {"/display": "display.html", "/kiosk": "kiosk.html", "/pad": "pad.html"}

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wav": "audio/wav",
}
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)

router = APIRouter(include_in_schema=False)


def static_file(name: str) -> tuple[bytes, str]:
    """A file of central/static by its plain name (no folders), and its content type."""
    suffix = name[name.rfind(".") :] if "." in name else ""
    if "/" in name or "\\" in name or name.startswith(".") or suffix not in TYPES:
        raise NotFound("There is no such file.", reason="no_such_file")
    try:
        data = resources.files("central").joinpath("static").joinpath(name).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise NotFound("There is no such file.", reason="no_such_file") from None
    return data, TYPES[suffix]


def _answer(name: str, cache: str) -> Response:
    data, media = static_file(name)
    headers = {
        "Cache-Control": cache,
        "Content-Security-Policy": POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    return Response(data, media_type=media, headers=headers)


@router.get("/static/{name}")
def static(name: str) -> Response:
    # Short: a hall upgrading the server sees new files within minutes without a cache buster.
    return _answer(name, "public, max-age=300")


def _page_route(path: str, name: str) -> None:
    @router.get(path)
    def page() -> Response:
        return _answer(name, "no-cache")

    page.__name__ = f"page_{name.split('.')[0]}"


for _path, _name in PAGES.items():
    _page_route(_path, _name)

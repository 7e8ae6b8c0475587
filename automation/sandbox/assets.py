"""The sandbox's own scripts, styles and images, read once and served with long cache lifetimes.

URLs carry a hash of the content (`/assets/myo.js?v=1a2b3c4d`), so a browser may keep each file for a
year and never refetch it between navigations, yet always sees a changed file after an upgrade.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

STATIC_DIR = Path(__file__).resolve().parent / "static"
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
CACHE_FOREVER = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    version: str


class Assets:
    def __init__(self, directory: Path = STATIC_DIR) -> None:
        self._files: dict[str, Asset] = {}
        for path in sorted(directory.iterdir()):
            if path.suffix in _TYPES and path.is_file():
                body = path.read_bytes()
                self._files[path.name] = Asset(
                    body, _TYPES[path.suffix], hashlib.sha256(body).hexdigest()[:10]
                )

    def url(self, name: str) -> str:
        return f"/assets/{name}?v={self._files[name].version}"

    async def serve(self, request: Request) -> Response:
        asset = self._files.get(request.path_params["name"])
        if asset is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        return Response(asset.body, media_type=asset.media_type, headers={"Cache-Control": CACHE_FOREVER})

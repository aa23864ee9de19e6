"""Serves the built PWA (pwa/dist) at `/`; client-side routes fall back to index.html."""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("frontend", __name__)

# The service worker and the HTML must always be revalidated, or clients miss new versions.
NO_CACHE = {"index.html", "sw.js", "manifest.webmanifest"}


@bp.get("/")
@bp.get("/<path:path>")
def pwa(path: str = "index.html"):
    if path.startswith(("api/", "open311/")):
        abort(404)
    dist = Path(current_app.config["PWA_DIST"])
    if not (dist / "index.html").exists():
        return (
            "The PWA is not built: run `make install` (or `npm --prefix pwa run build`).",
            503,
            {"Content-Type": "text/plain; charset=utf-8"},
        )
    if not (dist / path).is_file():
        path = "index.html"
    # Vite puts content-hashed files under assets/: they never change, so cache them for a year.
    max_age = 0 if path in NO_CACHE else 31536000 if path.startswith("assets/") else 3600
    response = send_from_directory(dist, path, max_age=max_age)
    if path in NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    return response

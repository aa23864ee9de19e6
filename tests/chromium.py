"""The system Chromium as browser tests and the PWA benchmark launch it (Playwright cannot
download its own browser here)."""

import shutil

# No sandbox (root in containers), no GPU, and nothing that reaches out to the network by itself.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MISSING = "Chromium is not installed: run `make install` (apt-get install chromium)"


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch(playwright, executable: str):
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)

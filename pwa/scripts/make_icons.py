"""Draw the app icons (a clipboard with a magnifier) into public/icons/.

Run once with the project's Python (Pillow is a server dependency) and commit the PNGs:
    ../.venv/bin/python scripts/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "public" / "icons"
SUPERSAMPLE = 4  # draw large, then shrink: cheap anti-aliasing

BLUE = (11, 74, 143, 255)  # the theme colour, #0b4a8f
WHITE = (255, 255, 255, 255)
INK = (7, 42, 82, 255)
LINES = (160, 178, 200, 255)
AMBER = (255, 179, 0, 255)


def draw_icon(size: int, *, full_bleed: bool, glyph_share: float) -> Image.Image:
    """Full bleed for maskable and Apple icons; a rounded tile for plain ("any") icons."""
    side = size * SUPERSAMPLE
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if full_bleed:
        draw.rectangle((0, 0, side, side), fill=BLUE)
    else:
        draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side * 0.22, fill=BLUE)
    box = side * glyph_share
    origin = (side - box) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return origin + x * box, origin + y * box

    def rect(x0, y0, x1, y1, radius, fill):
        draw.rounded_rectangle((*at(x0, y0), *at(x1, y1)), radius=radius * box, fill=fill)

    rect(0.10, 0.08, 0.74, 0.96, 0.07, WHITE)  # the board
    rect(0.27, 0.00, 0.57, 0.16, 0.04, INK)  # its clip
    for y in (0.30, 0.44, 0.58):
        rect(0.20, y, 0.62, y + 0.06, 0.03, LINES)
    # The magnifier: an amber ring with a blue rim over the board's lower right, and a handle.
    width = 0.085 * box
    draw.line((*at(0.78, 0.80), *at(0.96, 0.98)), fill=INK, width=int(width * 2.4))
    draw.line((*at(0.78, 0.80), *at(0.96, 0.98)), fill=AMBER, width=int(width * 1.5))
    center, radius = at(0.62, 0.64), 0.22 * box
    draw.ellipse(
        (
            center[0] - radius - width,
            center[1] - radius - width,
            center[0] + radius + width,
            center[1] + radius + width,
        ),
        fill=INK,
    )
    draw.ellipse(
        (center[0] - radius, center[1] - radius, center[0] + radius, center[1] + radius),
        fill=AMBER,
    )
    inner = radius - width
    draw.ellipse(
        (center[0] - inner, center[1] - inner, center[0] + inner, center[1] + inner),
        fill=(225, 238, 252, 255),
    )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # Maskable: launchers crop to a circle of 80 % of the side, so the glyph stays inside it.
    icons = {
        "icon-192.png": draw_icon(192, full_bleed=False, glyph_share=0.70),
        "icon-512.png": draw_icon(512, full_bleed=False, glyph_share=0.70),
        "maskable-192.png": draw_icon(192, full_bleed=True, glyph_share=0.52),
        "maskable-512.png": draw_icon(512, full_bleed=True, glyph_share=0.52),
        "apple-touch-icon-180.png": draw_icon(180, full_bleed=True, glyph_share=0.66),
        "favicon-32.png": draw_icon(32, full_bleed=False, glyph_share=0.80),
    }
    for name, image in icons.items():
        if name.startswith(("maskable", "apple")):
            image = image.convert("RGB")  # opaque: no transparent corners to fill in
        image.save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()

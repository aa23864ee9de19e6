"""Photos are evidence: identify uploads by content, refuse hostile files, read the EXIF a report
needs, and make a metadata-free display copy and thumbnail.

Pure functions over bytes. Storage and HTTP belong to the caller: a `PhotoError` carries the status
and a stable `code` that the intake endpoint translates for the user.
"""

import hashlib
import io
import math
import numbers
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import pillow_heif
from PIL import Image, ImageCms, ImageFile

# We only ever decode the primary image of a HEIF file; its thumbnails, depth maps and auxiliary
# images are attack surface and work we never use.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heif"}
SUFFIXES = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "heic"}
MAX_SIDE = 20_000
JPEG_QUALITY = 82

# Pillow signals malformed input with many exception types; every one of them is the uploader's
# problem (4xx), never ours (500).
_DECODER_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    struct.error,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    RuntimeError,
)
_PIXEL_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)


class PhotoError(Exception):
    """An upload we refuse. `code` is stable (the client and translations key on it)."""

    def __init__(self, code: str, reason: str, status: int) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.status = status


def unsupported_format() -> PhotoError:
    return PhotoError("unsupported_format", "accepted formats: JPEG, PNG, WebP, HEIC/HEIF", 415)


def corrupt(detail: str = "the photo is damaged or truncated") -> PhotoError:
    return PhotoError("corrupt", f"{detail}; take or export it again", 422)


def polyglot() -> PhotoError:
    return PhotoError("polyglot", "the photo file carries data that is not part of the image", 422)


@dataclass(frozen=True, slots=True)
class ExifInfo:
    """What the device wrote, validated. Anything missing or implausible is None."""

    captured_at: datetime | None = None  # naive local time unless OffsetTimeOriginal was written
    gps: tuple[float, float] | None = None  # (lon, lat) as written; phone cameras write WGS-84
    gps_accuracy_m: float | None = None
    orientation: int | None = None
    make: str | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class ProcessedPhoto:
    """An accepted upload: the original to keep as evidence and the copies to show."""

    original: bytes
    sha256: str
    format: str  # one of ACCEPTED_FORMATS (an iPhone MPO is a JPEG)
    width: int  # of the full-size image once oriented
    height: int
    display_jpeg: bytes
    display_size: tuple[int, int]
    thumb_jpeg: bytes
    thumb_size: tuple[int, int]
    exif: ExifInfo

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.format]


def process_photo(
    data: bytes,
    *,
    max_bytes: int = 15 * 2**20,
    max_pixels: int = 40_000_000,
    display_edge: int = 1600,
    thumb_edge: int = 320,
) -> ProcessedPhoto:
    """Validate an upload and derive what we store. Raises PhotoError for anything we refuse."""
    check_byte_size(data, max_bytes)
    image_format = sniff_format(data)
    declared_size = check_structure(data, image_format)
    check_dimensions(declared_size, max_pixels)
    im = open_image(data, image_format)
    stored_size = im.size
    check_dimensions(stored_size, max_pixels)  # Pillow's reading is the one that will decode
    # A JPEG's EXIF is in its header; a PNG may keep its eXIf chunk after the pixels.
    exif = read_exif(im) if image_format == "JPEG" else None
    kept = display_ready_jpeg(data, im, exif, display_edge) if exif is not None else None
    # With the display copy kept, only the thumbnail needs pixels: a 1/4-scale decode does.
    decode_reduced(im, fit_size(stored_size, thumb_edge if kept else display_edge))
    if exif is None:
        exif = read_exif(im)
    # libheif has already applied the HEIF rotation boxes; the EXIF tag is informative there.
    orientation = None if image_format == "HEIF" else exif.orientation
    width, height = oriented_size(stored_size, orientation)
    if kept:
        display, display_jpeg, display_size = im, kept, stored_size
    else:
        display = make_display_image(im, display_edge, orientation)
        display_jpeg, display_size = encode_jpeg(display), display.size
    # Box-reduce to within 1.5x of the thumbnail, then LANCZOS: faster than BICUBIC from the
    # display copy and closer to a LANCZOS thumbnail of the original (benchmarks/intake_photos.py).
    thumb = resize_to(
        display, fit_size(display_size, thumb_edge), Image.Resampling.LANCZOS, reducing_gap=1.5
    )
    return ProcessedPhoto(
        original=data,
        sha256=hashlib.sha256(data).hexdigest(),
        format=image_format,
        width=width,
        height=height,
        display_jpeg=display_jpeg,
        display_size=display_size,
        thumb_jpeg=encode_jpeg(thumb),
        thumb_size=thumb.size,
        exif=exif,
    )


# -- refusing by size and content -------------------------------------------------------------


def check_byte_size(data: bytes, max_bytes: int) -> None:
    if not data:
        raise PhotoError("empty", "the photo is empty", 400)
    if len(data) > max_bytes:
        megabytes = max_bytes / 2**20
        raise PhotoError("too_large", f"photos may be at most {megabytes:g} MB", 413)


_HEVC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}


def sniff_format(data: bytes) -> str:
    """The format by magic bytes; the file name and declared type are the client's guess."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and _heif_brands(data) & _HEVC_BRANDS:
        return "HEIF"
    raise unsupported_format()


def _heif_brands(data: bytes) -> set[bytes]:
    # ftyp: size, "ftyp", major brand, minor version, compatible brands...; AVIF shares the
    # container but not the codec, so we require an HEVC brand.
    box_end = min(int.from_bytes(data[:4], "big"), len(data), 256)
    brands = {data[8:12]}
    brands.update(data[i : i + 4] for i in range(16, box_end - 3, 4))
    return brands


def check_structure(data: bytes, image_format: str) -> tuple[int, int] | None:
    """Walk the container before any decoder sees it: truncation, junk and smuggled payloads
    are refused here, and the declared size is read without trusting a decoder's allocations."""
    checkers: dict[str, Callable[[bytes], tuple[int, int] | None]] = {
        "JPEG": check_jpeg_structure,
        "PNG": check_png_structure,
        "WEBP": check_webp_structure,
        "HEIF": check_heif_structure,
    }
    return checkers[image_format](data)


def check_dimensions(size: tuple[int, int] | None, max_pixels: int) -> None:
    if size is None:
        return
    width, height = size
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise PhotoError(
            "bad_dimensions", f"the photo's dimensions ({width}x{height}) are not plausible", 422
        )
    if width * height > max_pixels:
        megapixels = max_pixels / 1_000_000
        raise PhotoError("too_many_pixels", f"photos may have at most {megapixels:g} MP", 413)


# JPEG: a camera writes SOI, segments, entropy-coded scans and EOI, nothing between them. Pillow
# (libjpeg) silently skips junk bytes, so junk is where polyglots and broken writers hide.

_MARKER_AFTER_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})
_FRAME_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_BINARY_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1f\x7f]")
_MAX_SEGMENTS = 2_000
_MAX_EMBEDDED_JPEGS = 8  # MPO frames, gain maps


def check_jpeg_structure(data: bytes) -> tuple[int, int] | None:
    size, end = walk_jpeg(data, 0)
    for _ in range(_MAX_EMBEDDED_JPEGS):
        if _is_benign_trailer(data[end:]):
            return size
        end = _skip_zero_padding(data, end)
        if not data.startswith(b"\xff\xd8\xff", end):
            raise polyglot()
        _, end = walk_jpeg(data, end)
    raise polyglot()


def walk_jpeg(data: bytes, start: int) -> tuple[tuple[int, int] | None, int]:
    """Segments of the JPEG starting at `start`: its frame size and the offset after its EOI."""
    size, end = None, start
    for marker, pos, end in jpeg_segments(data, start):
        segment = data[pos + 4 : end]
        if marker in _FRAME_MARKERS and len(segment) >= 5:
            size = (int.from_bytes(segment[3:5], "big"), int.from_bytes(segment[1:3], "big"))
        elif marker == 0xFE and _BINARY_BYTES.search(segment):
            raise polyglot()  # a comment is text; binary in it is another file riding along
    return size, end


def jpeg_segments(data: bytes, start: int) -> Iterator[tuple[int, int, int]]:
    """(marker, offset, end) of each segment of the JPEG at `start`, from after SOI through EOI.
    A scan's entropy-coded data belongs to its SOS segment."""
    pos = start + 2
    for _ in range(_MAX_SEGMENTS):
        if pos + 2 > len(data):
            raise corrupt("the photo is truncated")
        if data[pos] != 0xFF:
            raise corrupt("the photo has junk between its segments")
        while pos + 2 < len(data) and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        marker = data[pos + 1]
        if marker == 0xD9:
            yield marker, pos, pos + 2
            return
        if marker in _STANDALONE_MARKERS:
            yield marker, pos, pos + 2
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xD8 or length < 2 or pos + 2 + length > len(data):
            raise corrupt()
        end = pos + 2 + length
        if marker == 0xDA:
            scan_end = _MARKER_AFTER_SCAN.search(data, end)
            if scan_end is None:
                raise corrupt("the photo is truncated")
            end = scan_end.start()
        yield marker, pos, end
        pos = end
    raise corrupt()


def _skip_zero_padding(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos] == 0:
        pos += 1
    return pos


def _is_benign_trailer(tail: bytes) -> bool:
    """What phones legitimately append after the image: padding, a motion-photo video
    (Google/Xiaomi: an MP4 starting with an ftyp box) or Samsung's SEF block (ends in SEFT)."""
    return not tail.strip(b"\x00\xff") or tail[4:8] == b"ftyp" or tail.endswith(b"SEFT")


_PNG_MAX_CHUNKS = 20_000


def check_png_structure(data: bytes) -> tuple[int, int]:
    """Every chunk complete with a correct CRC, IHDR first, nothing after IEND."""
    view, pos, size = memoryview(data), 8, None
    for _ in range(_PNG_MAX_CHUNKS):
        if pos + 12 > len(data):
            raise corrupt("the photo is truncated")
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunk_type = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise corrupt("the photo is truncated")
        if zlib.crc32(view[pos + 4 : end - 4]) != int.from_bytes(data[end - 4 : end], "big"):
            raise corrupt()
        if size is None:
            if chunk_type != b"IHDR" or length != 13:
                raise corrupt()
            size = (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))
        if chunk_type == b"IEND":
            if data[end:].strip(b"\x00"):
                raise polyglot()
            return size
        pos = end
    raise corrupt()


def check_webp_structure(data: bytes) -> tuple[int, int]:
    """The RIFF length must match the file; the canvas size is read before libwebp allocates it."""
    riff_end = 8 + int.from_bytes(data[4:8], "little")
    if riff_end > len(data) or len(data) < 30:
        raise corrupt("the photo is truncated")
    if data[riff_end:].strip(b"\x00"):
        raise polyglot()
    chunk = data[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        return width, int.from_bytes(data[28:30], "little") & 0x3FFF
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    raise corrupt()


_HEIF_MAX_BOXES = 1_000


def check_heif_structure(data: bytes) -> None:
    """Top-level boxes must tile the file exactly: libheif decodes truncated files without a
    word (missing tiles come out grey), and bytes after the last box are not part of the image."""
    pos = 0
    for _ in range(_HEIF_MAX_BOXES):
        if pos == len(data):
            return None
        box_size, header = int.from_bytes(data[pos : pos + 4], "big"), 8
        if box_size == 1:
            box_size, header = int.from_bytes(data[pos + 8 : pos + 16], "big"), 16
        elif box_size == 0:
            box_size = len(data) - pos
        if pos + 8 > len(data) or box_size < header or pos + box_size > len(data):
            raise corrupt("the photo is truncated or has trailing data")
        pos += box_size
    raise corrupt()


def open_image(data: bytes, image_format: str) -> ImageFile.ImageFile:
    """Parse the header only; restricting `formats` keeps every other Pillow plugin away."""
    try:
        return Image.open(io.BytesIO(data), formats=[image_format])
    except _PIXEL_BOMB as exc:
        raise PhotoError("too_many_pixels", "the photo has too many pixels", 413) from exc
    except _DECODER_ERRORS as exc:
        raise corrupt() from exc


# -- EXIF --------------------------------------------------------------------------------------

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_MAKE, _MODEL, _ORIENTATION = 0x010F, 0x0110, 0x0112
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL, _SUBSEC_TIME_ORIGINAL = 0x9003, 0x9011, 0x9291
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON, _GPS_H_ERROR = 1, 2, 3, 4, 31


def read_exif(im: Image.Image) -> ExifInfo:
    """EXIF from the already parsed header. Devices write garbage (wrong types, zero
    denominators, truncated IFDs), so each field is read on its own and garbage becomes None."""
    exif = _guarded(im.getexif)
    if exif is None:
        return ExifInfo()
    ifd = _guarded(exif.get_ifd, _EXIF_IFD) or {}
    gps_ifd = _guarded(exif.get_ifd, _GPS_IFD) or {}
    gps = _guarded(gps_position, gps_ifd)
    return ExifInfo(
        captured_at=_guarded(
            capture_time,
            ifd.get(_DATETIME_ORIGINAL),
            ifd.get(_OFFSET_TIME_ORIGINAL),
            ifd.get(_SUBSEC_TIME_ORIGINAL),
        ),
        gps=gps,
        gps_accuracy_m=_guarded(_non_negative, gps_ifd.get(_GPS_H_ERROR)) if gps else None,
        orientation=_guarded(_orientation, exif.get(_ORIENTATION)),
        make=_guarded(clean_text, exif.get(_MAKE)),
        model=_guarded(clean_text, exif.get(_MODEL)),
    )


def _guarded(read: Callable[..., Any], *args: Any) -> Any:
    # Pillow's EXIF parser raises (and, under `-W error`, warns) in ways no list can foresee on
    # hostile input; a field we cannot read is a field we do not have.
    try:
        return read(*args)
    except Exception:
        return None


def gps_position(gps_ifd: Any) -> tuple[float, float] | None:
    lat = _coordinate(gps_ifd.get(_GPS_LAT), gps_ifd.get(_GPS_LAT_REF), "N", "S", 90.0)
    lon = _coordinate(gps_ifd.get(_GPS_LON), gps_ifd.get(_GPS_LON_REF), "E", "W", 180.0)
    if lat is None or lon is None or (lat == 0.0 and lon == 0.0):
        return None  # (0, 0) is what some phones write when they had no fix
    return lon, lat


def _coordinate(value: Any, ref: Any, positive: str, negative: str, limit: float) -> float | None:
    """Degrees, minutes, seconds plus a hemisphere letter; a missing letter is no location,
    since guessing the hemisphere would put the report on another continent."""
    hemisphere = clean_text(ref)
    if hemisphere not in (positive, negative) or not isinstance(value, tuple) or len(value) != 3:
        return None
    degrees, minutes, seconds = (_non_negative(part) for part in value)
    if degrees is None or minutes is None or seconds is None or minutes >= 60 or seconds > 60:
        return None
    decimal = degrees + minutes / 60 + seconds / 3600
    if decimal > limit:
        return None
    return -decimal if hemisphere == negative else decimal


def _non_negative(value: Any) -> float | None:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return None
    number = float(value)  # an IFDRational with a zero denominator becomes nan
    return number if math.isfinite(number) and number >= 0 else None


def _orientation(value: Any) -> int | None:
    return value if isinstance(value, int) and 1 <= value <= 8 else None


_EXIF_DATETIME = re.compile(r"(\d{4})[:-](\d\d)[:-](\d\d)[ T](\d\d):(\d\d):(\d\d)")
_EXIF_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)")


def capture_time(value: Any, offset: Any = None, subsec: Any = None) -> datetime | None:
    match = _EXIF_DATETIME.fullmatch(clean_text(value) or "")
    if match is None:
        return None
    try:
        moment = datetime(*(int(part) for part in match.groups()))
    except ValueError:
        return None  # 0000:00:00 00:00:00 is how cameras without a clock say "unknown"
    fraction = clean_text(subsec) or ""
    if fraction.isdigit():
        moment = moment.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    zone = _EXIF_OFFSET.fullmatch(clean_text(offset) or "")
    if zone is None:
        return moment
    shift = timedelta(hours=int(zone[2]), minutes=int(zone[3]))
    return moment.replace(tzinfo=timezone(-shift if zone[1] == "-" else shift))


_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(value: Any, limit: int = 64) -> str | None:
    """An EXIF ASCII field: C strings end at the first NUL, cameras pad with spaces."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = _CONTROL_CHARS.sub("", value.split("\x00", 1)[0]).strip()[:limit]
    return text or None


# -- derived images ----------------------------------------------------------------------------

_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def oriented_size(size: tuple[int, int], orientation: int | None) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


# The PWA uploads JPEGs it has already shrunk and turned upright on the phone. Such a file can be
# its own display copy once its metadata is gone: dropping segments keeps the image bit for bit,
# saves the JPEG encode (a third of the pipeline's time) and adds no second compression's loss.
_APP0, _APP14, _COMMENT = 0xE0, 0xEE, 0xFE
_METADATA_MARKERS = frozenset({*range(0xE1, 0xF0), _COMMENT}) - {_APP14}
_BROWSER_FRAMES = frozenset({0xC0, 0xC1, 0xC2})  # Huffman-coded 8-bit: what every browser shows
_PLAIN_JFIF_BYTES = 18  # marker, length, "JFIF\0", version, units, densities, a 0x0 thumbnail


def display_ready_jpeg(data: bytes, im: Image.Image, exif: ExifInfo, edge: int) -> bytes | None:
    """The upload without its metadata, when it needs no new pixels to be the display copy:
    within `edge`, upright, YCbCr in sRGB (or without a profile). None otherwise."""
    if max(im.size) > edge or im.mode != "RGB" or exif.orientation not in (None, 1):
        return None
    icc_profile = im.info.get("icc_profile")
    if (
        icc_profile
        and len(icc_profile) <= _MAX_ICC_BYTES
        and _transform_to_srgb(icc_profile) is not None
    ):
        return None  # wide gamut: to_srgb would change the pixels
    return without_metadata(data)


def without_metadata(data: bytes) -> bytes | None:
    """The first image of a checked JPEG with only what decoders need: no EXIF, XMP, ICC, MPF,
    comments or trailer. None when dropping them could change how it decodes: an Adobe marker
    (it says how colours are coded), a JFIF thumbnail, or a frame type some browsers lack."""
    parts = [data[:2]]
    for marker, pos, end in jpeg_segments(data, 0):
        if marker == _APP14 or (marker in _FRAME_MARKERS and marker not in _BROWSER_FRAMES):
            return None
        if marker in _FRAME_MARKERS and data[pos + 4] != 8:
            return None  # 12-bit samples
        if marker == _APP0 and data[pos + 4 : pos + 9] == b"JFIF\x00":
            if end - pos != _PLAIN_JFIF_BYTES:
                return None  # a JFIF header carrying a thumbnail
        elif marker == _APP0 or marker in _METADATA_MARKERS:
            continue
        parts.append(data[pos:end])
    return b"".join(parts)


def make_display_image(im: Image.Image, edge: int, orientation: int | None) -> Image.Image:
    """Shrink, colour-correct and orient the decoded image. Shrinking comes first so the
    per-pixel steps run on about 2 MP rather than the full 12."""
    icc_profile = im.info.get("icc_profile")
    # HAMMING: after the DCT-domain reduction the remaining factor is below 2; there it came as
    # close to a LANCZOS resize of the full-size original as BICUBIC or LANCZOS did (mean error
    # about 1.8/255 for all three) in under half their time.
    display = fit_to_edge(resizable(im), edge, Image.Resampling.HAMMING)
    display = to_srgb(flatten_to_rgb(display), icc_profile)
    if orientation in _TRANSPOSE_FOR_ORIENTATION:
        display = display.transpose(_TRANSPOSE_FOR_ORIENTATION[orientation])
    return display


def fit_size(size: tuple[int, int], edge: int) -> tuple[int, int]:
    scale = min(1.0, edge / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def decode_reduced(im: ImageFile.ImageFile, target: tuple[int, int]) -> None:
    """Decode; a JPEG is decoded by libjpeg at 1/2, 1/4 or 1/8 scale, the smallest that is still
    at least `target` (much less work than decoding 12 MP and throwing most of it away)."""
    if im.format in ("JPEG", "MPO"):
        im.draft("RGB", target)
    try:
        im.load()
    except _PIXEL_BOMB as exc:
        raise PhotoError("too_many_pixels", "the photo has too many pixels", 413) from exc
    except _DECODER_ERRORS as exc:
        raise corrupt() from exc


def resizable(im: Image.Image) -> Image.Image:
    """A mode Pillow resamples properly: palettes are resized by nearest neighbour, and 16-bit
    grey would be clipped (not scaled) to 8 bits."""
    if im.mode == "1":
        return im.convert("L")
    if im.mode.startswith("I"):
        return im.convert("I").point(lambda value: value / 256).convert("L")
    if "transparency" in im.info or im.mode == "PA":
        return im.convert("RGBA")
    return im.convert("RGB") if im.mode == "P" else im


def fit_to_edge(
    im: Image.Image, edge: int, resample: Image.Resampling, reducing_gap: float = 2.0
) -> Image.Image:
    """A new image whose long edge is at most `edge` (never enlarged)."""
    return resize_to(im, fit_size(im.size, edge), resample, reducing_gap)


def resize_to(
    im: Image.Image, size: tuple[int, int], resample: Image.Resampling, reducing_gap: float
) -> Image.Image:
    if size == im.size:
        return im.copy()
    return im.resize(size, resample, reducing_gap=reducing_gap)


def flatten_to_rgb(im: Image.Image) -> Image.Image:
    """RGB for JPEG; transparency becomes white, as on a printed page."""
    if im.mode in ("RGBA", "LA"):
        rgba = im.convert("RGBA")
        page = Image.new("RGB", im.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
        return page
    return im if im.mode == "RGB" else im.convert("RGB")


_MAX_ICC_BYTES = 1 << 20


def to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert wide-gamut photos (iPhones shoot Display P3) to sRGB, so the display copy can go
    out without a profile and still show true colours."""
    if not icc_profile or len(icc_profile) > _MAX_ICC_BYTES:
        return im
    transform = _transform_to_srgb(icc_profile)
    if transform is None:
        return im
    try:
        return ImageCms.applyTransform(im, transform) or im
    except (ImageCms.PyCMSError, ValueError, OSError):
        return im


@lru_cache(maxsize=16)
def _transform_to_srgb(icc_profile: bytes) -> ImageCms.ImageCmsTransform | None:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if source.profile.xcolor_space.strip() != "RGB":
            return None
        if "srgb" in ImageCms.getProfileDescription(source).lower():
            return None
        return ImageCms.buildTransform(source, _srgb_profile(), "RGB", "RGB")
    except (ImageCms.PyCMSError, ValueError, OSError, TypeError):
        return None  # a broken profile: keep the pixels as they are


@lru_cache(maxsize=1)
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def encode_jpeg(im: Image.Image) -> bytes:
    # Pillow copies some metadata (the JPEG comment) from `info` when saving; the derived copies
    # must carry nothing but pixels.
    im.info.clear()
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=False)
    return buffer.getvalue()

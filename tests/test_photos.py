"""The photo pipeline against real camera files, hostile files and crafted edge cases."""

import csv
import functools
import hashlib
import io
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageCms, ImageFile, ImageStat
from PIL.TiffImagePlugin import IFDRational

from inspector.reports.photos import (
    PhotoError,
    ProcessedPhoto,
    capture_time,
    clean_text,
    fit_size,
    gps_position,
    process_photo,
    without_metadata,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path


def manifest(folder: str) -> list:
    """One pytest param per MANIFEST.tsv row; a single skipped param when ../shared is absent."""
    path = SHARED / folder / "MANIFEST.tsv"
    if not path.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason="shared test data not available"))]
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [pytest.param(row, id=row["file"]) for row in rows]


def process_sample(row: dict) -> ProcessedPhoto:
    return _processed(shared_file("photos", row["file"]))


@functools.cache
def _processed(path: Path) -> ProcessedPhoto:
    # Four tests look at each sample; decoding a 16 MP HEIF once is enough.
    return process_photo(path.read_bytes())


def reopened(jpeg: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(jpeg))
    im.load()
    return im


def jpeg_bytes(im: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def png_bytes(im: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, "PNG", **options)
    return buffer.getvalue()


def refusal(data: bytes, **limits) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        process_photo(data, **limits)
    return caught.value


# -- real camera and phone files ---------------------------------------------------------------


@pytest.mark.parametrize("row", manifest("photos"))
def test_sample_photo_gets_metadata_free_display_copy_and_thumbnail(row):
    photo = process_sample(row)

    assert photo.format == {"MPO": "JPEG"}.get(row["format"], row["format"])
    assert photo.sha256 == hashlib.sha256(photo.original).hexdigest()
    for jpeg, size, edge in [
        (photo.display_jpeg, photo.display_size, 1600),
        (photo.thumb_jpeg, photo.thumb_size, 320),
    ]:
        copy = reopened(jpeg)
        assert copy.format == "JPEG" and copy.mode == "RGB"
        assert copy.size == size and max(size) <= edge
        assert not copy.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment", "photoshop", "mp"} & set(copy.info)


@pytest.mark.parametrize("row", manifest("photos"))
def test_sample_photo_gps_matches_the_manifest(row):
    photo = process_sample(row)

    lat, lon = row["gps_lat_pillow"], row["gps_lon_pillow"]
    if row["gps"] == "yes" and lon:
        assert photo.exif.gps == pytest.approx((float(lon), float(lat)), abs=1e-5)
    else:  # no GPS, a GPS block without coordinates, or an unparseable latitude
        assert photo.exif.gps is None
        assert photo.exif.gps_accuracy_m is None


@pytest.mark.parametrize("row", manifest("photos"))
def test_sample_photo_is_turned_upright(row):
    photo = process_sample(row)

    stored = tuple(int(side) for side in row["stored_dims"].split("x"))
    upright = stored[::-1] if row["orientation"] in {"5", "6", "7", "8"} else stored
    assert (photo.width, photo.height) == upright
    assert photo.display_size == fit_size(upright, 1600)
    assert photo.thumb_size == fit_size(photo.display_size, 320)


@pytest.mark.parametrize("row", manifest("photos"))
def test_sample_photo_camera_is_read_up_to_the_first_nul(row):
    photo = process_sample(row)

    def expected(text: str) -> str | None:
        return text.split("\\x00")[0].strip() or None

    assert (photo.exif.make, photo.exif.model) == (expected(row["make"]), expected(row["model"]))


def test_all_eight_orientations_come_out_looking_the_same():
    def looks(number: int) -> Image.Image:
        data = shared_file("photos", f"orient{number}_landscape.jpg").read_bytes()
        return reopened(process_photo(data).display_jpeg).convert("L").resize((40, 30))

    def difference(a: Image.Image, b: Image.Image) -> float:
        return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]

    upright = looks(1)
    for number in range(2, 9):
        assert difference(upright, looks(number)) < 5, f"orientation {number}"
    assert difference(upright, upright.transpose(Image.Transpose.ROTATE_180)) > 20


def test_iphone_heic_keeps_capture_time_with_its_offset_and_gps_accuracy():
    photo = process_photo(shared_file("photos", "phone_iphone11promax_gps.HEIC").read_bytes())

    assert photo.format == "HEIF"
    assert photo.exif.captured_at is not None
    assert photo.exif.captured_at.isoformat() == "2021-04-11T15:47:53.054000-05:00"
    assert photo.exif.gps_accuracy_m == pytest.approx(38.813, abs=1e-3)


def test_truncated_heic_is_refused_although_libheif_would_decode_it():
    data = shared_file("photos", "phone_iphone11promax_gps.HEIC").read_bytes()

    assert refusal(data[:400_000]).code == "corrupt"


# -- hostile files -----------------------------------------------------------------------------

HOSTILE_CODES = {
    "bomb_gif_4.3Gpx_header.gif": "unsupported_format",
    "bomb_gif_frame2_extents.gif": "unsupported_format",
    "bomb_ico_4.29Gpx.ico": "unsupported_format",
    "bomb_png_ztxt_text_chunk.png": "corrupt",  # Pillow's MAX_TEXT_CHUNK stops the inflation
    "broken_png_80_bytes.png": "corrupt",
    "broken_png_data_stream.png": "corrupt",
    "corkami_small_invalid.jpg": "corrupt",
    "junk_bytes_in_jpeg_header.jpg": "corrupt",  # Pillow would decode it
    "polyglot_jpeg_then_mp3.mp3": "polyglot",  # a valid 6x2 JPEG for Pillow
    "polyglot_mp3_in_jpeg_comment.mp3": "polyglot",  # likewise
    "truncated_app14_segment.jpg": "corrupt",  # Pillow would decode it
    "truncated_jpeg.jpg": "corrupt",
    "truncated_png.png": "corrupt",
    "truncated_png_end_chunk.png": "corrupt",
}


@pytest.mark.parametrize("row", manifest("hostile"))
def test_hostile_file_is_refused_quickly_with_a_client_error(row):
    data = shared_file("hostile", row["file"]).read_bytes()

    started = time.perf_counter()
    error = refusal(data)
    elapsed = time.perf_counter() - started

    assert 400 <= error.status < 500
    assert error.code == HOSTILE_CODES[row["file"]]
    assert error.reason and "Traceback" not in error.reason
    assert elapsed < 1.0


def test_a_valid_photo_still_processes_after_the_hostile_files():
    data = shared_file("photos", "phone_iphone6_gps_alt.jpg").read_bytes()

    assert process_photo(data).display_size == (1600, 1200)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# -- crafted inputs ----------------------------------------------------------------------------


def gradient(width: int, height: int) -> Image.Image:
    red = Image.linear_gradient("L").resize((width, height))
    blue = red.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return Image.merge("RGB", (red, Image.new("L", (width, height), 90), blue))


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    checksum = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", checksum)


def header_only_png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IEND", b"")


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Xiaomi", "Redmi Note 9S", orientation
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003], exif_ifd[0x9011] = "2026:05:20 09:41:07", "+08:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (IFDRational(34), IFDRational(45), IFDRational(36))
    gps[3], gps[4] = "W", (IFDRational(113), IFDRational(39), IFDRational(0))
    gps[31] = IFDRational(125, 10)
    return exif


def test_twelve_megapixel_jpeg_becomes_a_1600_by_1200_display_copy():
    photo = process_photo(jpeg_bytes(gradient(4000, 3000), quality=90))

    assert (photo.width, photo.height) == (4000, 3000)
    assert photo.display_size == (1600, 1200)
    assert photo.thumb_size == (320, 240)


def test_phone_exif_is_read_and_never_reaches_the_copies():
    original = jpeg_bytes(gradient(4000, 3000), exif=phone_exif(orientation=6), comment=b"IMEI")

    photo = process_photo(original)

    assert (photo.width, photo.height) == (3000, 4000)
    assert photo.display_size == (1200, 1600)
    assert photo.exif.gps == pytest.approx((-113.65, -34.76), abs=1e-9)
    assert photo.exif.gps_accuracy_m == 12.5
    assert photo.exif.captured_at.isoformat() == "2026-05-20T09:41:07+08:00"
    assert (photo.exif.make, photo.exif.model, photo.exif.orientation) == (
        "Xiaomi",
        "Redmi Note 9S",
        6,
    )
    for jpeg in (photo.display_jpeg, photo.thumb_jpeg):
        assert b"Xiaomi" not in jpeg and b"IMEI" not in jpeg and b"Exif\x00" not in jpeg


def srgb_profile(description: bytes = b"s\x00R\x00G\x00B") -> bytes:
    """Pillow's sRGB profile, optionally described as something else (a stand-in for P3)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return profile.replace(b"s\x00R\x00G\x00B", description)


def test_an_upright_phone_sized_jpeg_is_its_own_display_copy_without_metadata():
    """What the PWA uploads: kept pixel for pixel, never re-compressed, metadata gone."""
    original = jpeg_bytes(
        gradient(1600, 1200),
        quality=85,
        exif=phone_exif(orientation=1),
        comment=b"IMEI",
        icc_profile=srgb_profile(),
    )
    trailer = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"

    photo = process_photo(original + trailer)

    display = reopened(photo.display_jpeg)
    assert photo.display_size == display.size == (1600, 1200)
    assert display.tobytes() == reopened(original).tobytes()
    assert photo.exif.gps == pytest.approx((-113.65, -34.76), abs=1e-9)
    for jpeg in (photo.display_jpeg, photo.thumb_jpeg):
        assert b"Xiaomi" not in jpeg and b"IMEI" not in jpeg and b"Exif\x00" not in jpeg
        assert b"ICC_PROFILE" not in jpeg and b"ftyp" not in jpeg
    assert reopened(photo.thumb_jpeg).size == photo.thumb_size == (320, 240)


@pytest.mark.parametrize(
    "options",
    [
        {"exif": phone_exif(orientation=6)},
        {"icc_profile": srgb_profile(b"w\x00i\x00d\x00e")},
        {"progressive": True, "exif": phone_exif(orientation=3)},
    ],
    ids=["rotated", "wide-gamut-profile", "progressive-upside-down"],
)
def test_a_jpeg_that_needs_new_pixels_gets_a_new_display_copy(options):
    original = jpeg_bytes(gradient(1600, 1200), quality=85, **options)

    photo = process_photo(original)

    assert photo.display_jpeg[-2000:] not in original  # re-encoded, not the upload's scans
    assert not reopened(photo.display_jpeg).info.get("icc_profile")


def test_metadata_is_not_dropped_where_that_would_change_the_colours():
    jpeg = jpeg_bytes(gradient(64, 48))
    adobe = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x01"

    assert without_metadata(jpeg[:2] + adobe + jpeg[2:]) is None
    assert without_metadata(jpeg) is not None


def test_png_with_alpha_is_flattened_on_white():
    im = Image.new("RGBA", (400, 300), (200, 30, 30, 255))
    im.paste((0, 0, 0, 0), (0, 0, 200, 300))

    display = reopened(process_photo(png_bytes(im)).display_jpeg)

    assert display.getpixel((50, 150)) == pytest.approx((255, 255, 255), abs=2)
    assert display.getpixel((350, 150)) == pytest.approx((200, 30, 30), abs=6)


def test_palette_png_with_a_transparent_colour_is_flattened_on_white():
    im = Image.new("P", (64, 48))
    im.putpalette([255, 0, 0, 0, 0, 255])
    im.paste(1, (0, 0, 32, 48))

    display = reopened(process_photo(png_bytes(im, transparency=1)).display_jpeg)

    assert display.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=2)
    assert display.getpixel((50, 5)) == pytest.approx((255, 0, 0), abs=6)


def test_sixteen_bit_grey_png_is_scaled_not_clipped():
    im = Image.fromarray(np.full((48, 64), 32768, np.uint16))

    display = reopened(process_photo(png_bytes(im)).display_jpeg)

    assert display.getpixel((5, 5)) == pytest.approx((128, 128, 128), abs=2)


def grey_bytes(mode: str, save_format: str, **options) -> bytes:
    grey = Image.linear_gradient("L").resize((300, 200))
    images = {
        "L": grey,
        "LA": Image.merge("LA", (grey, Image.new("L", grey.size, 255))),
        "CMYK": grey.convert("RGB").convert("CMYK"),
    }
    buffer = io.BytesIO()
    images[mode].save(buffer, save_format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("mode", "save_format", "options"),
    [
        ("L", "PNG", {}),
        ("LA", "PNG", {}),
        ("L", "JPEG", {}),
        ("CMYK", "JPEG", {}),
        ("L", "JPEG", {"progressive": True}),
    ],
)
def test_other_pixel_formats_become_an_rgb_display_copy(mode, save_format, options):
    display = reopened(process_photo(grey_bytes(mode, save_format, **options)).display_jpeg)

    assert display.mode == "RGB"
    assert display.getpixel((150, 100)) == pytest.approx((128, 128, 128), abs=3)


def test_webp_is_accepted_and_its_trailing_payload_or_truncation_refused():
    buffer = io.BytesIO()
    gradient(300, 200).save(buffer, "WEBP", quality=80)
    webp = buffer.getvalue()

    assert process_photo(webp).display_size == (300, 200)
    assert refusal(webp[:-10]).code == "corrupt"
    assert refusal(webp + b"PK\x03\x04 a zip archive").code == "polyglot"


def test_header_only_png_of_30000_by_10_is_refused_as_absurd_before_decoding():
    # There are no pixels to decode: reaching the decoder would say "corrupt", not this.
    error = refusal(header_only_png(30_000, 10))

    assert (error.status, error.code) == (422, "bad_dimensions")


def test_png_over_the_pixel_limit_is_refused_from_its_header():
    error = refusal(header_only_png(8000, 6000))

    assert (error.status, error.code) == (413, "too_many_pixels")


def test_upload_over_the_byte_limit_is_refused_with_413():
    error = refusal(jpeg_bytes(gradient(400, 300)), max_bytes=1000)

    assert (error.status, error.code) == (413, "too_large")


def test_empty_upload_is_refused_with_400():
    assert refusal(b"").status == 400


def test_gif_is_refused_as_unsupported():
    buffer = io.BytesIO()
    gradient(40, 30).save(buffer, "GIF")

    error = refusal(buffer.getvalue())

    assert (error.status, error.code) == (415, "unsupported_format")
    assert error.reason == "accepted formats: JPEG, PNG, WebP, HEIC/HEIF"


def test_text_file_named_jpg_is_refused_as_unsupported(tmp_path):
    fake = tmp_path / "IMG_0001.jpg"
    fake.write_text("this is not a photo\n")

    assert refusal(fake.read_bytes()).status == 415


def test_jpeg_comment_holding_binary_data_is_refused_as_polyglot():
    jpeg = jpeg_bytes(gradient(64, 48), comment=bytes(range(256)))

    assert refusal(jpeg).code == "polyglot"


def test_jpeg_text_comment_is_accepted():
    assert process_photo(jpeg_bytes(gradient(64, 48), comment=b"CREATOR: gd-jpeg v1.0"))


@pytest.mark.parametrize(
    "trailer",
    [b"\x00" * 64, b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", b"...\x14\x00\x00\x00SEFT"],
    ids=["padding", "motion-photo-video", "samsung-sef"],
)
def test_what_phones_append_after_a_jpeg_is_accepted(trailer):
    assert process_photo(jpeg_bytes(gradient(64, 48)) + trailer)


def test_anything_else_after_a_jpeg_is_refused_as_polyglot():
    jpeg = jpeg_bytes(gradient(64, 48))

    assert refusal(jpeg + b"<script>alert(1)</script>").code == "polyglot"
    assert refusal(jpeg + jpeg + b"PK\x05\x06" + bytes(18)).code == "polyglot"


# -- EXIF field parsing ------------------------------------------------------------------------

DMS_34_45_36 = (IFDRational(34), IFDRational(45), IFDRational(36))


@pytest.mark.parametrize(
    ("gps_ifd", "expected"),
    [
        ({1: "N", 2: DMS_34_45_36, 3: "E", 4: DMS_34_45_36}, (34.76, 34.76)),
        ({1: "S", 2: DMS_34_45_36, 3: "W", 4: DMS_34_45_36}, (-34.76, -34.76)),
        ({1: b"S\x00", 2: DMS_34_45_36, 3: b"E\x00", 4: DMS_34_45_36}, (34.76, -34.76)),
        ({2: DMS_34_45_36, 3: "E", 4: DMS_34_45_36}, None),  # hemisphere unknown
        ({1: "N", 2: 4294967295.0, 3: "E", 4: DMS_34_45_36}, None),  # not degrees/min/sec
        ({1: "N", 2: (IFDRational(1, 0), 0, 0), 3: "E", 4: DMS_34_45_36}, None),  # zero denominator
        ({1: "N", 2: (91, 0, 0), 3: "E", 4: DMS_34_45_36}, None),  # latitude beyond the pole
        ({1: "N", 2: (34, 75, 0), 3: "E", 4: DMS_34_45_36}, None),  # 75 minutes
        ({1: "N", 2: (0, 0, 0), 3: "E", 4: (0, 0, 0)}, None),  # no-fix placeholder
        ({1: "X", 2: DMS_34_45_36, 3: "E", 4: DMS_34_45_36}, None),
        ({}, None),
    ],
)
def test_gps_position_accepts_only_plausible_coordinates(gps_ifd, expected):
    position = gps_position(gps_ifd)

    assert position == (pytest.approx(expected) if expected else None)


@pytest.mark.parametrize(
    ("value", "offset", "subsec", "expected"),
    [
        ("2021:04:11 15:47:53", "-05:00", "054", "2021-04-11T15:47:53.054000-05:00"),
        ("2021:04:11 15:47:53", None, None, "2021-04-11T15:47:53"),
        (b"2021:04:11 15:47:53\x00", b"+08:00\x00", b"", "2021-04-11T15:47:53+08:00"),
        ("2021-04-11 15:47:53", "garbage", "x", "2021-04-11T15:47:53"),
        ("0000:00:00 00:00:00", None, None, None),
        ("2021:13:45 99:99:99", None, None, None),
        ("", None, None, None),
        (20210411, None, None, None),
    ],
)
def test_capture_time_reads_exif_dates_and_rejects_garbage(value, offset, subsec, expected):
    moment = capture_time(value, offset, subsec)

    assert (moment.isoformat() if moment else None) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ION230\x00F", "ION230"),
        ("WWL     ", "WWL"),
        (b"Canon\x00\x00", "Canon"),
        ("", None),
        ("\x00", None),
        (42, None),
    ],
)
def test_clean_text_keeps_the_c_string_and_drops_padding(value, expected):
    assert clean_text(value) == expected

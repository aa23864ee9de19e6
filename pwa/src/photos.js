// @ts-check
// Photos are shrunk on the phone before they are queued: a 4 MB camera photo becomes a JPEG of a
// few hundred KB, turned upright by its EXIF orientation. GPS and capture time are read from the
// original first, because the re-encoded copy carries no EXIF.
//
// The browser decodes and scales in one step, off the main thread (createImageBitmap with a
// resize to the long edge), so the canvas only encodes: that is the larger part of the time
// saved against drawing the full 12 MP bitmap onto a smaller canvas. Which side is the long
// edge comes from the JPEG's frame header and the EXIF orientation.

/** @typedef {import('./store.js').StoredPhoto} StoredPhoto */
/**
 * @typedef {{photo: StoredPhoto, gps: {lon: number, lat: number} | null,
 *   takenAt: Date | null}} PreparedPhoto
 */

export const LONG_EDGE = 1600; // the server's display copy is about as large
export const JPEG_QUALITY = 0.8;

/**
 * @param {File} file straight from the camera or the gallery
 * @param {string} name file name to upload under
 * @returns {Promise<PreparedPhoto>}
 */
export async function preparePhoto(file, name) {
  const [{ orientation, ...facts }, size] = await Promise.all([readExif(file), jpegSize(file)]);
  const photo = await shrink(file, name, size, orientation);
  return { photo, ...facts };
}

/**
 * @param {File} file
 * @returns {Promise<{gps: {lon: number, lat: number} | null, takenAt: Date | null,
 *   orientation: number}>}
 */
async function readExif(file) {
  try {
    // Loaded on first use: the start screen does not pay for it.
    const { default: exifr } = await import('exifr/dist/lite.esm.mjs');
    const tags = await exifr.parse(file,
      { tiff: true, exif: true, gps: true, xmp: false, translateValues: false });
    return {
      gps: validGps(tags?.longitude, tags?.latitude),
      takenAt: validDate(tags?.DateTimeOriginal),
      orientation: typeof tags?.Orientation === 'number' ? tags.Orientation : 1,
    };
  } catch {
    // No EXIF, or EXIF too broken to read: not an error.
    return { gps: null, takenAt: null, orientation: 1 };
  }
}

/**
 * Width and height as stored, from a JPEG's frame header (SOFn); null for anything else.
 * @param {Blob} file
 * @returns {Promise<{width: number, height: number} | null>}
 */
export async function jpegSize(file) {
  const CHUNK = 65536;
  let start = 0;
  let bytes = new DataView(await file.slice(0, CHUNK).arrayBuffer());
  /** The 10 bytes at `offset` of the file, reading further chunks as needed. */
  const at = async (/** @type {number} */ offset) => {
    if (offset + 10 > start + bytes.byteLength) {
      start = offset;
      bytes = new DataView(await file.slice(offset, offset + CHUNK).arrayBuffer());
    }
    return bytes.byteLength >= offset - start + 10 ? offset - start : -1;
  };
  if (bytes.byteLength < 4 || bytes.getUint16(0) !== 0xffd8) {
    return null;
  }
  let offset = 2;
  for (let segments = 0; segments < 200; segments += 1) {
    const index = await at(offset);
    if (index < 0 || bytes.getUint8(index) !== 0xff) {
      return null;
    }
    const marker = bytes.getUint8(index + 1);
    if (marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += marker === 0xff ? 1 : 2; // fill byte, or a marker without a length
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      const height = bytes.getUint16(index + 5);
      const width = bytes.getUint16(index + 7);
      return width && height ? { width, height } : null;
    }
    if (marker === 0xda || marker === 0xd9) {
      return null; // the scan (or the end) before any frame header
    }
    offset += 2 + bytes.getUint16(index + 2);
  }
  return null;
}

/**
 * @param {unknown} lon
 * @param {unknown} lat
 */
function validGps(lon, lat) {
  if (typeof lon !== 'number' || typeof lat !== 'number') {
    return null;
  }
  const inRange = Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
  const unset = lon === 0 && lat === 0; // cameras write zeros when they had no fix
  return inRange && !unset ? { lon, lat } : null;
}

/** @param {unknown} value */
function validDate(value) {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : null;
}

/**
 * How to ask createImageBitmap for the upright image with its long edge at LONG_EDGE; the other
 * side follows from the aspect ratio, so a wrong guess can only leave it too large, never skewed.
 * @param {{width: number, height: number} | null} size as stored
 * @param {number} orientation EXIF orientation (5-8 turn the image by 90 degrees)
 * @returns {ImageBitmapOptions}
 */
export function decodeOptions(size, orientation) {
  /** @type {ImageBitmapOptions} */
  const options = { imageOrientation: 'from-image' };
  if (!size || Math.max(size.width, size.height) <= LONG_EDGE) {
    return options;
  }
  const turned = orientation >= 5 && orientation <= 8;
  const wide = turned ? size.height >= size.width : size.width >= size.height;
  return { ...options, resizeQuality: 'high', ...(wide ? { resizeWidth: LONG_EDGE } : { resizeHeight: LONG_EDGE }) };
}

/**
 * @param {File} file
 * @param {string} name
 * @param {{width: number, height: number} | null} size as stored, when known
 * @param {number} orientation
 * @returns {Promise<StoredPhoto>}
 */
async function shrink(file, name, size, orientation) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, decodeOptions(size, orientation));
  } catch {
    // A format this browser cannot decode (HEIC outside Safari): the server converts it.
    const type = file.type || 'application/octet-stream';
    return { name, type, bytes: await file.arrayBuffer(), width: null, height: null };
  }
  // Already the right size when the decoder scaled it; otherwise the canvas scales it.
  const scale = Math.min(1, LONG_EDGE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const blob = await encodeJpeg(bitmap, width, height);
  bitmap.close();
  return { name: name.replace(/\.\w+$/, '') + '.jpg', type: 'image/jpeg', bytes: await blob.arrayBuffer(), width, height };
}

/**
 * @param {ImageBitmap} bitmap
 * @param {number} width
 * @param {number} height
 * @returns {Promise<Blob>}
 */
async function encodeJpeg(bitmap, width, height) {
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(width, height);
    draw(/** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d')), bitmap, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  draw(/** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')), bitmap, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('encoding failed'))),
      'image/jpeg', JPEG_QUALITY),
  );
}

/**
 * @param {CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D} context
 * @param {ImageBitmap} bitmap
 * @param {number} width
 * @param {number} height
 */
function draw(context, bitmap, width, height) {
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
}

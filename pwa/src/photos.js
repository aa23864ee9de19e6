// @ts-check
// Photos are shrunk on the phone before they are queued: a 4 MB camera photo becomes a JPEG of a
// few hundred KB, turned upright by its EXIF orientation. GPS and capture time are read from the
// original first, because the re-encoded copy carries no EXIF.

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
  const [exif, photo] = await Promise.all([readExif(file), shrink(file, name)]);
  return { photo, ...exif };
}

/**
 * @param {File} file
 * @returns {Promise<{gps: {lon: number, lat: number} | null, takenAt: Date | null}>}
 */
async function readExif(file) {
  try {
    // Loaded on first use: the start screen does not pay for it.
    const { default: exifr } = await import('exifr/dist/lite.esm.mjs');
    const tags = await exifr.parse(file, { tiff: true, exif: true, gps: true, xmp: false });
    return { gps: validGps(tags?.longitude, tags?.latitude), takenAt: validDate(tags?.DateTimeOriginal) };
  } catch {
    return { gps: null, takenAt: null }; // no EXIF, or EXIF too broken to read: not an error
  }
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
 * @param {File} file
 * @param {string} name
 * @returns {Promise<StoredPhoto>}
 */
async function shrink(file, name) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    // A format this browser cannot decode (HEIC outside Safari): the server converts it.
    const type = file.type || 'application/octet-stream';
    return { name, type, bytes: await file.arrayBuffer(), width: null, height: null };
  }
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

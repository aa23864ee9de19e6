// @ts-check
// Taking 1-5 photos: the camera (or the gallery), previews, remove one. Shared by the new report
// and the rectification ("after" photos).
import { preparePhoto } from '../photos.js';
import { t } from '../i18n.js';
import { fill, h } from './dom.js';

export const MAX_PHOTOS = 5;

/**
 * A photo as the form holds it: `photo` is null while it is being shrunk.
 * @typedef {{key: number, url: string, photo: import('../store.js').StoredPhoto | null,
 *   gps: {lon: number, lat: number} | null, takenAt: Date | null, pickedAt: Date}} PickedPhoto
 */

let nextKey = 1;

/**
 * @param {string} id prefix of element ids (one picker per screen)
 * @param {PickedPhoto[]} photos the draft's list, changed in place
 * @param {() => void} onChange called after a photo was added, prepared or removed
 */
export function photoPicker(id, photos, onChange) {
  const box = h('div', { className: 'photos', attrs: { 'aria-live': 'polite' } });
  const camera = fileInput(`${id}-camera`, true);
  const gallery = fileInput(`${id}-gallery`, false);
  // The inputs stay in the page (visually hidden, focusable); their labels look like buttons.
  const buttons = h('div', { className: 'photos__buttons' },
    camera,
    h('label', { className: 'button button--primary', attrs: { for: camera.id } }, t('photos.take')),
    gallery,
    h('label', { className: 'button', attrs: { for: gallery.id } }, t('photos.gallery')),
  );

  const draw = () => {
    buttons.hidden = photos.length >= MAX_PHOTOS;
    fill(box, 
      h('p', { className: 'photos__count' },
        t('photos.count', { count: photos.length, max: MAX_PHOTOS })),
      photos.length ? h('ul', { className: 'photos__grid' }, ...photos.map(tile)) : null,
    );
  };

  /** @param {PickedPhoto} picked @param {number} index */
  const tile = (picked, index) => {
    const label = t('photos.nth', { n: index + 1 });
    const remove = () => {
      URL.revokeObjectURL(picked.url);
      photos.splice(photos.indexOf(picked), 1);
      draw();
      onChange();
    };
    return h('li', { className: 'photos__tile' },
      picked.photo
        ? h('img', { className: 'photos__img', attrs: { src: picked.url, alt: label } })
        : h('span', { className: 'photos__pending', attrs: { role: 'status' } }, t('photos.preparing')),
      h('button', {
        className: 'photos__remove',
        attrs: { type: 'button', 'aria-label': t('photos.remove', { n: index + 1 }) },
        on: { click: remove },
      }, '×'),
    );
  };

  /** @param {Event} event */
  const add = async (event) => {
    const input = /** @type {HTMLInputElement} */ (event.target);
    const files = [...(input.files || [])].slice(0, MAX_PHOTOS - photos.length);
    input.value = ''; // the same photo may be chosen again after removing it
    const pickedAt = new Date();
    const added = files.map((file) => {
      /** @type {PickedPhoto} */
      const picked = { key: nextKey++, url: '', photo: null, gps: null, takenAt: null, pickedAt };
      photos.push(picked);
      return { file, picked };
    });
    draw();
    onChange();
    await Promise.all(added.map(async ({ file, picked }) => {
      const prepared = await preparePhoto(file, `photo-${picked.key}.jpg`);
      Object.assign(picked, prepared, {
        url: URL.createObjectURL(new Blob([prepared.photo.bytes], { type: prepared.photo.type })),
      });
      if (!photos.includes(picked)) {
        URL.revokeObjectURL(picked.url); // removed while it was being prepared
      }
    }));
    draw();
    onChange();
  };
  camera.addEventListener('change', add);
  gallery.addEventListener('change', add);
  draw();
  return h('div', { className: 'photo-picker' }, box, buttons);
}

/** @param {PickedPhoto[]} photos */
export function photosReady(photos) {
  return photos.length > 0 && photos.every((picked) => picked.photo !== null);
}

/** @param {PickedPhoto[]} photos */
export function releasePhotos(photos) {
  photos.forEach((picked) => picked.url && URL.revokeObjectURL(picked.url));
  photos.length = 0;
}

/**
 * @param {string} id
 * @param {boolean} capture open the camera rather than the gallery
 */
function fileInput(id, capture) {
  return h('input', {
    className: 'visually-hidden',
    attrs: {
      id,
      type: 'file',
      accept: 'image/*',
      multiple: true,
      capture: capture ? 'environment' : null,
    },
  });
}

// Writes src/data/initials.json: for each category item code, the pinyin initials of its Chinese
// name and Chinese keywords ("占道经营" -> "zdjy"), so that the picker finds it by typing "zdjy".
//
// The taxonomy is data the city edits; run this after changing names or keywords in
// inspector/categories/taxonomy.toml and commit the JSON (`npm run initials`). Items the JSON does
// not know (added later by an admin) are still found by Chinese, English and keywords.
import { readFileSync, writeFileSync } from 'node:fs';
import { pinyin } from 'pinyin-pro';

const TAXONOMY = new URL('../../inspector/categories/taxonomy.toml', import.meta.url);
const OUTPUT = new URL('../src/data/initials.json', import.meta.url);
const HAN = /\p{Script=Han}/u;

/** @param {string} text */
function initials(text) {
  const chars = [...text].filter((char) => HAN.test(char)).join('');
  return pinyin(chars, { pattern: 'first', toneType: 'none', type: 'array' }).join('');
}

/** The [[items]] tables of the TOML file: code, name_zh and keywords are one-line strings. */
function items(toml) {
  return toml
    .split(/^\[\[items\]\]$/m)
    .slice(1)
    .map((block) => ({
      code: /^code = "([^"]+)"/m.exec(block)?.[1],
      name: /^name_zh = "([^"]+)"/m.exec(block)?.[1] ?? '',
      keywords: [...(/^keywords = \[(.*)\]/m.exec(block)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map(
        (match) => match[1],
      ),
    }))
    .filter((item) => item.code);
}

const map = {};
for (const item of items(readFileSync(TAXONOMY, 'utf8'))) {
  const words = [item.name, ...item.keywords].map(initials).filter(Boolean);
  map[item.code] = [...new Set(words)].join(' ');
}
writeFileSync(OUTPUT, `${JSON.stringify(map, null, 1)}\n`);
console.log(`${Object.keys(map).length} items -> ${OUTPUT.pathname}`);

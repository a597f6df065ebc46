// Writes the manifest for one browser from extension/manifest.json, with the
// version from the workspace's Cargo.toml: the one place it is kept.
// Usage: node scripts/manifest.mjs chrome|firefox OUT_FILE
import { readFileSync, writeFileSync } from 'node:fs';

const [browser, out] = process.argv.slice(2);
const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('extension/manifest.json', root), 'utf8'));
const cargo = readFileSync(new URL('Cargo.toml', root), 'utf8');
const version = /\[workspace\.package\][^[]*?\nversion\s*=\s*"([^"]+)"/.exec(cargo)?.[1];
if (!version) throw new Error('no version under [workspace.package] in Cargo.toml');

manifest.version = version;
if (browser === 'chrome') {
  // Chromium runs the background as a service worker and warns about the
  // keys only Firefox reads.
  delete manifest.background.scripts;
  delete manifest.browser_specific_settings;
} else if (browser === 'firefox') {
  // Firefox runs the same module as an event page.
  delete manifest.background.service_worker;
} else {
  throw new Error(`unknown browser ${browser}: chrome or firefox`);
}
writeFileSync(out, JSON.stringify(manifest, null, 2) + '\n');

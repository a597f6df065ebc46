// Helpers for the analyst's-view tests (view-*.test.mjs): downloads, the STIX
// validator, the command-line finder and the replay overrides used to make
// pivot chains deeper than the stored samples go.

import { execFile } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './harness.mjs';

const run = promisify(execFile);

// The validator lives in a virtual environment under target/, made on first
// use: `python3 -m venv` plus PyPI's stix2-validator (OASIS maintains it) and
// stix2, the reference library whose ids the test compares against.
const VENV = path.join(REPO_ROOT, 'target/stix-venv');
const PYTHON = path.join(VENV, 'bin/python');
// Pinned, so a new release cannot change what "valid" means between runs.
export const STIX_PACKAGES = ['stix2-validator==3.3.2', 'stix2==3.0.2'];

/** The venv's python, installing the validator into it when missing. */
export async function stixPython() {
  try {
    await access(path.join(VENV, 'bin/stix2_validator'), constants.X_OK);
  } catch {
    await run('python3', ['-m', 'venv', VENV]);
    await run(path.join(VENV, 'bin/pip'), ['install', '-q', ...STIX_PACKAGES], {
      timeout: 300_000,
    });
  }
  return PYTHON;
}

// Validates a bundle strictly (warnings count as errors) and re-derives every
// SCO's id with the reference library. One check is off: 302 wants a hash of
// every external reference's URL, which only makes sense for a fixed file;
// the references here are ThreatMiner's live pages for the value.
const VALIDATE = `
import json, sys
import stix2
from stix2validator import ValidationOptions, validate_file
text = open(sys.argv[1], encoding="utf-8").read()
result = validate_file(sys.argv[1], ValidationOptions(version="2.1", strict=True, disabled=["302"]))
errors = []
for obj in result.object_results:
    errors += [str(e) for e in obj.errors] + [str(w) for w in obj.warnings]
mismatched = []
for o in json.loads(text)["objects"]:
    cls = stix2.v21.OBJ_MAP_OBSERVABLE.get(o["type"])
    if cls is None:
        continue
    props = {k: v for k, v in o.items() if k not in ("id", "type", "spec_version")}
    expected = cls(**props).id
    if expected != o["id"]:
        mismatched.append([o["id"], expected])
print(json.dumps({"valid": result.is_valid, "errors": errors, "mismatched": mismatched}))
`;

/** `{valid, errors, mismatched}` for the STIX bundle in `file`. */
export async function validateStix(file) {
  const python = await stixPython();
  const { stdout } = await run(python, ['-c', VALIDATE, file], { timeout: 120_000 });
  return JSON.parse(stdout);
}

// Reads a CSV file back with Python's csv module, an independent reader.
const READ_CSV = `
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(json.dumps(list(csv.DictReader(f))))
`;

/** The rows of the CSV in `file`, as objects keyed by the header. */
export async function readCsv(file) {
  const { stdout } = await run('python3', ['-c', READ_CSV, file], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

/** Runs `action` and returns `{name, file, text}` of the download it starts. */
export async function downloadOf(page, action) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), action()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), file, text: await readFile(file, 'utf8') };
}

/**
 * The command-line finder, built from the same sources as the wasm under test
 * (cargo makes this a no-op when the debug build is current).
 */
export async function tmlookupBinary() {
  await run('cargo', ['build', '-q', '-p', 'tmlookup', '--bin', 'tmlookup'], {
    cwd: REPO_ROOT,
    timeout: 600_000,
  });
  return path.join(REPO_ROOT, 'target/debug/tmlookup');
}

/** `tmlookup extract --json` on the text in `file`. */
export async function extractJson(file) {
  const bin = await tmlookupBinary();
  const { stdout } = await run(bin, ['extract', '--json', file], { maxBuffer: 256 << 20 });
  return JSON.parse(stdout);
}

/** ThreatMiner's envelope around `results`, as the replay override body. */
export function found(results) {
  return { status_code: '200', status_message: 'Results found.', results };
}

/**
 * Grows a report page (its `<pre id="report">`) to about `chars` characters:
 * the report repeated, each copy ending with a numbered domain of its own.
 * Returns `{seams, chars}`: those domains in page order, and the `<pre>`'s
 * length. Takes a page of either driver (playwright-core or puppeteer-core).
 */
export async function growReportPage(report, chars = 5_000_000) {
  return report.evaluate((want) => {
    const pre = document.getElementById('report');
    const one = pre.textContent;
    const seams = Array.from({ length: Math.ceil(want / one.length) }, (_, i) => `seam-${1000 + i}.example.com`);
    pre.textContent = seams.map((seam) => `${one}\n${seam}\n`).join('');
    return { seams, chars: pre.textContent.length };
  }, chars);
}

/**
 * Fills a report page's `<pre id="report">` with about a million characters
 * of prose lines and one domain that starts 10 characters before character
 * `at` of the text a page scan reads (which has a line break before the
 * `<pre>`): a reader that cut its pieces at exactly `at` characters would
 * split the domain in two. Returns the domain. Takes a page of either
 * driver.
 */
export async function straddlePage(report, at = 1 << 19) {
  return report.evaluate((cutAt) => {
    const line = 'the loader then sleeps and checks in again later\n';
    const domain = 'straddle-check.example.com';
    const start = cutAt - 10 - 1;
    const before = line.repeat(Math.floor(start / line.length));
    const after = line.repeat(Math.ceil(cutAt / line.length));
    const text = `${before}${' '.repeat(start - before.length)}${domain}\n${after}`;
    document.getElementById('report').textContent = text;
    if (text.indexOf(domain) !== start) throw new Error('the domain is not where it should be');
    return domain;
  }, at);
}

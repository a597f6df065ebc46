// Where the project and its shared data are, with no dependencies: scripts
// that must work before `npm install` (scripts/demo --help) import it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus/reports');

// DIR/sequences.csv for `npm run eval:remote-liveness -- --data DIR`: one capture sequence a row,
// header `sequence,label,species,source,frames[,note,...]`; `label` is bona-fide or attack; `frames` the
// frame paths relative to DIR, `;`-separated, in capture order (one path for a still). Fields follow
// RFC 4180 (double quotes around a field with commas, quotes or line breaks; "" inside is one quote).
// Every problem is an error that names the file, the line and what was wrong, before any frame is read.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseCsvRows } from './csv-rows.js';

export type SequenceLabel = 'bona-fide' | 'attack';

export interface LivenessSequence {
  readonly sequence: string;
  readonly label: SequenceLabel;
  /** `bona-fide`, or the attack species as written in the file. */
  readonly species: string;
  readonly source: string;
  /** Frame paths as written (relative to DIR), in capture order. */
  readonly frames: readonly string[];
  /** The same, resolved inside DIR. */
  readonly framePaths: readonly string[];
  readonly note: string;
}

const REQUIRED_COLUMNS = ['sequence', 'label', 'species', 'source', 'frames'] as const;

/** Reads and checks DIR/sequences.csv; every frame must be a file inside DIR. */
export function loadSequences(dir: string): LivenessSequence[] {
  const file = path.join(dir, 'sequences.csv');
  if (!existsSync(file)) throw new Error(`${file} is missing: --data must be a folder with sequences.csv (sequence,label,species,source,frames)`);
  return parseSequences(readFileSync(file, 'utf8'), dir, file);
}

export function parseSequences(text: string, dir: string, where = 'sequences.csv'): LivenessSequence[] {
  const rows = parseCsvRows(text, where);
  if (rows.length === 0) throw new Error(`${where}: empty (a header line and at least one sequence expected)`);
  const header = rows[0].fields.map((h) => h.trim());
  const column: Record<string, number> = {};
  for (const name of [...REQUIRED_COLUMNS, 'note']) column[name] = header.indexOf(name);
  const missing = REQUIRED_COLUMNS.filter((name) => column[name] < 0);
  if (missing.length) throw new Error(`${where}: line 1: header lacks ${missing.join(', ')} (got ${header.join(',')})`);
  if (rows.length === 1) throw new Error(`${where}: no sequences after the header`);

  const root = path.resolve(dir);
  const seen = new Map<string, number>();
  return rows.slice(1).map(({ line, fields }) => {
    const at = `${where}: line ${line}`;
    if (fields.length !== header.length) throw new Error(`${at}: ${fields.length} fields, the header has ${header.length}`);
    const get = (name: string) => (column[name] < 0 ? '' : fields[column[name]].trim());
    for (const name of REQUIRED_COLUMNS) if (get(name) === '') throw new Error(`${at}: ${name} is empty`);
    const sequence = get('sequence');
    const before = seen.get(sequence);
    if (before !== undefined) throw new Error(`${at}: sequence "${sequence}" already named on line ${before}`);
    seen.set(sequence, line);
    const label = get('label');
    if (label !== 'bona-fide' && label !== 'attack') throw new Error(`${at}: label must be bona-fide or attack (got "${label}")`);
    const species = get('species');
    if (label === 'bona-fide' && species !== 'bona-fide') throw new Error(`${at}: a bona-fide sequence has species bona-fide (got "${species}")`);
    if (label === 'attack' && species === 'bona-fide') throw new Error(`${at}: an attack needs its species, not bona-fide`);
    const frames = get('frames').split(';').map((f) => f.trim());
    if (frames.some((f) => f === '')) throw new Error(`${at}: sequence "${sequence}": an empty frame path in "${get('frames')}"`);
    const framePaths = frames.map((f) => {
      const resolved = path.resolve(root, f);
      if (path.isAbsolute(f) || !resolved.startsWith(root + path.sep)) throw new Error(`${at}: sequence "${sequence}": frame "${f}" is not a path inside the data folder`);
      if (!existsSync(resolved) || !statSync(resolved).isFile()) throw new Error(`${at}: sequence "${sequence}": frame "${f}" is missing (${resolved})`);
      return resolved;
    });
    return { sequence, label, species, source: get('source'), frames, framePaths, note: get('note') };
  });
}

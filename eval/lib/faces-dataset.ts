// Reads a face evaluation folder: labels.csv (path, source_set, identity, num_faces) and pairs.csv
// (path_a, path_b, same, identity_a, identity_b), as in /work/shared/data/faces-dev.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface LabelledImage {
  /** Path relative to the data folder, as written in the CSV files. */
  readonly path: string;
  readonly absolutePath: string;
  readonly sourceSet: string;
  /** Empty for group or no-face images. */
  readonly identity: string;
  /** Faces in the image; 1 is the enrolment case, -1 marks "several, not counted". */
  readonly numFaces: number;
}

export interface ComparisonPair {
  readonly pathA: string;
  readonly pathB: string;
  /** True for a mated (genuine) pair. */
  readonly same: boolean;
}

export interface FacesDataset {
  readonly root: string;
  readonly images: readonly LabelledImage[];
  readonly pairs: readonly ComparisonPair[];
}

/** Rows of a simple CSV file (no quoted fields: the dataset has none) keyed by its header. */
function readCsv(file: string, requiredColumns: readonly string[]): Record<string, string>[] {
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  const [header, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const columns = (header ?? '').split(',').map((c) => c.trim());
  const missing = requiredColumns.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new Error(`${file}: header lacks column(s) ${missing.join(', ')} (header: "${header ?? ''}")`);
  return lines.map((line, index) => {
    const cells = line.split(',');
    if (cells.length !== columns.length) {
      throw new Error(`${file}: line ${index + 2} has ${cells.length} fields, the header has ${columns.length}`);
    }
    return Object.fromEntries(columns.map((c, i) => [c, cells[i].trim()]));
  });
}

export function loadFacesDataset(root: string): FacesDataset {
  const images = readCsv(path.join(root, 'labels.csv'), ['path', 'source_set', 'identity', 'num_faces']).map((row, index) => {
    const numFaces = Number(row.num_faces);
    if (!Number.isInteger(numFaces)) throw new Error(`labels.csv line ${index + 2}: num_faces must be an integer (got "${row.num_faces}")`);
    const absolutePath = path.join(root, row.path);
    if (!existsSync(absolutePath)) throw new Error(`labels.csv line ${index + 2}: image ${absolutePath} is missing`);
    return { path: row.path, absolutePath, sourceSet: row.source_set, identity: row.identity, numFaces };
  });
  const known = new Set(images.map((image) => image.path));
  const pairs = readCsv(path.join(root, 'pairs.csv'), ['path_a', 'path_b', 'same']).map((row, index) => {
    for (const p of [row.path_a, row.path_b]) {
      if (!known.has(p)) throw new Error(`pairs.csv line ${index + 2}: ${p} is not in labels.csv`);
    }
    if (row.same !== '0' && row.same !== '1') throw new Error(`pairs.csv line ${index + 2}: same must be 0 or 1 (got "${row.same}")`);
    return { pathA: row.path_a, pathB: row.path_b, same: row.same === '1' };
  });
  return { root, images, pairs };
}

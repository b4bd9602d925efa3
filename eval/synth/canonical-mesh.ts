// MediaPipe's canonical face mesh (Apache-2.0), read from the packed assets of @mediapipe/face_mesh:
// geometry_pipeline_metadata_landmarks.binarypb, a GeometryPipelineMetadata protobuf whose
// canonical_mesh (field 1) is a Mesh3d {vertex_type=1, primitive_type=2, vertex_buffer=3 (x,y,z,u,v
// per vertex, cm), index_buffer=4 (triangles)}. The byte range is pinned to the package version and
// checked against the package's own loader table, so a different package fails loudly instead of
// producing a silently wrong face.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ProofgateError } from '../../src/core/errors.js';

const require = createRequire(import.meta.url);

export const CANONICAL_MESH_ASSET = {
  file: 'face_mesh_solution_packed_assets.data',
  loader: 'face_mesh_solution_packed_assets_loader.js',
  name: 'geometry_pipeline_metadata_landmarks.binarypb',
  start: 3737848,
  end: 3757224,
} as const;

export const CANONICAL_VERTEX_COUNT = 468;
export const CANONICAL_TRIANGLE_COUNT = 898;

export interface CanonicalMesh {
  /** 468 × (x, y, z) in millimetres; x right, y up, z toward the viewer (MediaPipe's convention). */
  readonly vertices: Float64Array;
  /** 898 × 3 vertex numbers. */
  readonly triangles: Uint16Array;
}

function meshError(message: string): ProofgateError {
  return new ProofgateError('ERR_MODEL', `canonical face mesh: ${message}`, { status: 500, expose: false });
}

/** Decodes the Mesh3d bytes (exported for tests). Accepts packed and unpacked repeated fields. */
export function parseGeometryMetadata(bytes: Uint8Array): CanonicalMesh {
  let mesh: Uint8Array | undefined;
  walkFields(bytes, 0, bytes.length, (field, wire, start, end) => {
    if (field === 1 && wire === 2) mesh = bytes.subarray(start, end);
  });
  if (!mesh) throw meshError('no canonical_mesh field in the geometry metadata');
  const floats: number[] = [];
  const indices: number[] = [];
  let vertexType = 0;
  let primitiveType = 0;
  const meshView = new DataView(mesh.buffer, mesh.byteOffset, mesh.byteLength);
  walkFields(mesh, 0, mesh.length, (field, wire, start, end, value) => {
    if (field === 1 && wire === 0) vertexType = value;
    else if (field === 2 && wire === 0) primitiveType = value;
    else if (field === 3 && wire === 5) floats.push(meshView.getFloat32(start, true));
    else if (field === 3 && wire === 2) for (let p = start; p < end; p += 4) floats.push(meshView.getFloat32(p, true));
    else if (field === 4 && wire === 0) indices.push(value);
    else if (field === 4 && wire === 2) {
      let p = start;
      while (p < end) {
        const [v, next] = readVarint(mesh!, p);
        indices.push(v);
        p = next;
      }
    }
  });
  if (vertexType !== 0) throw meshError(`vertex_type ${vertexType}, expected 0 (VERTEX_PT)`);
  if (primitiveType !== 0) throw meshError(`primitive_type ${primitiveType}, expected 0 (TRIANGLE)`);
  if (floats.length !== CANONICAL_VERTEX_COUNT * 5) throw meshError(`${floats.length / 5} vertices, expected ${CANONICAL_VERTEX_COUNT}`);
  if (indices.length !== CANONICAL_TRIANGLE_COUNT * 3) throw meshError(`${indices.length / 3} triangles, expected ${CANONICAL_TRIANGLE_COUNT}`);
  if (indices.some((i) => i >= CANONICAL_VERTEX_COUNT)) throw meshError('a triangle names a vertex out of range');
  const vertices = new Float64Array(CANONICAL_VERTEX_COUNT * 3);
  for (let i = 0; i < CANONICAL_VERTEX_COUNT; i++) {
    for (let k = 0; k < 3; k++) vertices[i * 3 + k] = floats[i * 5 + k] * 10; // cm -> mm
  }
  return { vertices, triangles: Uint16Array.from(indices) };
}

type FieldVisitor = (field: number, wire: number, start: number, end: number, value: number) => void;

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw meshError('truncated varint');
    const b = buf[pos++];
    result += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [result, pos];
    scale *= 128;
  }
  throw meshError('varint longer than 10 bytes');
}

function walkFields(buf: Uint8Array, pos: number, end: number, visit: FieldVisitor): void {
  while (pos < end) {
    const [key, afterKey] = readVarint(buf, pos);
    pos = afterKey;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const [v, next] = readVarint(buf, pos);
      visit(field, wire, pos, next, v);
      pos = next;
    } else if (wire === 1) {
      visit(field, wire, pos, pos + 8, 0);
      pos += 8;
    } else if (wire === 2) {
      const [len, next] = readVarint(buf, pos);
      if (next + len > end) throw meshError(`field ${field} runs past its message`);
      visit(field, wire, next, next + len, len);
      pos = next + len;
    } else if (wire === 5) {
      visit(field, wire, pos, pos + 4, 0);
      pos += 4;
    } else {
      throw meshError(`unsupported wire type ${wire} for field ${field}`);
    }
    if (pos > end) throw meshError('field runs past the end of the buffer');
  }
}

/** Confirms the pinned byte range against the package's loader table, then reads that range. */
export function readCanonicalMeshBytes(): Uint8Array {
  const dir = path.dirname(require.resolve('@mediapipe/face_mesh/package.json'));
  const loader = readFileSync(path.join(dir, CANONICAL_MESH_ASSET.loader), 'utf8');
  const entry = new RegExp(`${CANONICAL_MESH_ASSET.name.replace(/\./g, '\\.')}",\\s*"start":\\s*(\\d+),\\s*"end":\\s*(\\d+)`).exec(loader);
  if (!entry) throw meshError(`${CANONICAL_MESH_ASSET.name} is not listed in ${CANONICAL_MESH_ASSET.loader}`);
  const [start, end] = [Number(entry[1]), Number(entry[2])];
  if (start !== CANONICAL_MESH_ASSET.start || end !== CANONICAL_MESH_ASSET.end) {
    throw meshError(`${CANONICAL_MESH_ASSET.name} lies at ${start}-${end}, pinned ${CANONICAL_MESH_ASSET.start}-${CANONICAL_MESH_ASSET.end}: another @mediapipe/face_mesh version?`);
  }
  const data = readFileSync(path.join(dir, CANONICAL_MESH_ASSET.file));
  if (data.length < end) throw meshError(`${CANONICAL_MESH_ASSET.file} has ${data.length} bytes, fewer than ${end}`);
  return data.subarray(start, end);
}

let cached: CanonicalMesh | undefined;

export function loadCanonicalMesh(): CanonicalMesh {
  cached ??= parseGeometryMetadata(readCanonicalMeshBytes());
  return cached;
}

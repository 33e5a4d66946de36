/**
 * Turns a float16 ONNX graph (isnet_fp16: float32 input and output, float16 weights and maps, Cast nodes
 * at the borders) into the same graph in float32: every float16 tensor (initializers, tensor attributes)
 * becomes float32 with the same values, every Cast to float16 becomes a Cast to float32 (a no-op the
 * runtime removes) and every float16 type declaration becomes float32.
 *
 * Why: WebGPU runs float16 only where the adapter has `shader-f16`. Without it ONNX Runtime Web either
 * refuses the session (its WebGPU EP) or, worse, runs it and returns a mask of zeros (JSEP: every f16
 * shader fails to compile, measured with Chromium's software adapter). The float32 graph runs on any
 * adapter, from the weights already downloaded. The values are those the CPU backend computes with anyway
 * (it casts float16 to float32 around its kernels), at twice the memory for the weights.
 *
 * Pure: bytes in, bytes out; Node or browser.
 */
import { Encoder, readFields, readVarint, stringOf, WireType, type Field } from './protobuf-wire.ts';

/** onnx.proto field numbers and values this conversion touches. */
const Model = { graph: 7 } as const;
const Graph = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const Node = { opType: 4, attribute: 5 } as const;
const Attribute = { name: 1, i: 3, t: 5, g: 6, tensors: 9, graphs: 11 } as const;
const Tensor = { dataType: 2, int32Data: 5, rawData: 9, dataLocation: 14 } as const;
const ValueInfo = { type: 2 } as const;
const TypeProto = { tensorType: 1 } as const;
const TensorType = { elemType: 1 } as const;
const FLOAT = 1n;
const FLOAT16 = 10n;

export interface Float32Result {
  model: Uint8Array;
  /** float16 tensors converted (initializers and tensor attributes). */
  tensors: number;
  /** Cast nodes that cast to float16 and now cast to float32. */
  casts: number;
}

let halfTable: Float32Array | undefined;

/** Every float16 bit pattern's value: 256 KB, built once. */
function halfValues(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    if (exponent === 0) table[bits] = sign * fraction * 2 ** -24;
    else if (exponent === 31) table[bits] = fraction ? NaN : sign * Infinity;
    else table[bits] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return (halfTable = table);
}

/** Little-endian float16 bytes → little-endian float32 bytes (typed arrays are little-endian on every browser platform). */
function halfBytesToFloat(bytes: Uint8Array): Uint8Array {
  if (bytes.length % 2 !== 0) throw new Error('onnx-float32: float16 raw data of odd length');
  const halves = new Uint16Array(bytes.slice().buffer); // the copy is aligned; the model's bytes need not be
  const table = halfValues();
  const floats = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) floats[i] = table[halves[i] ?? 0] ?? 0;
  return new Uint8Array(floats.buffer);
}

/** float16 values kept one per int32_data entry (the other way ONNX stores them). */
function halfInt32sToFloat(fields: Field[]): Uint8Array {
  const table = halfValues();
  const values: number[] = [];
  for (const field of fields) {
    if (field.number !== Tensor.int32Data) continue;
    if (field.wireType === WireType.Varint) {
      values.push(table[Number(field.varint & 0xffffn)] ?? 0);
      continue;
    }
    for (let position = 0; position < field.bytes.length;) {
      const read = readVarint(field.bytes, position);
      values.push(table[Number(read.value & 0xffffn)] ?? 0);
      position = read.end;
    }
  }
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** A TensorProto in float32 if it was float16; `undefined` if it needs no change. */
function tensorToFloat32(tensor: Uint8Array): Encoder | undefined {
  const fields = readFields(tensor);
  if (fields.find((field) => field.number === Tensor.dataType)?.varint !== FLOAT16) return undefined;
  if (fields.some((field) => field.number === Tensor.dataLocation && field.varint !== 0n)) {
    throw new Error('onnx-float32: a float16 tensor with external data');
  }
  const raw = fields.find((field) => field.number === Tensor.rawData);
  const data = raw ? halfBytesToFloat(raw.bytes) : halfInt32sToFloat(fields);
  const out = new Encoder();
  for (const field of fields) {
    if (field.number === Tensor.dataType) out.varint(Tensor.dataType, FLOAT);
    else if (field.number === Tensor.rawData || field.number === Tensor.int32Data) continue;
    else out.bytes(field.raw);
  }
  return out.lengthDelimited(Tensor.rawData, data);
}

/** A ValueInfoProto declared float16 → float32 (tensor types only); `undefined` if it needs no change. */
function valueInfoToFloat32(valueInfo: Uint8Array): Encoder | undefined {
  const fields = readFields(valueInfo);
  const type = fields.find((field) => field.number === ValueInfo.type);
  const typeFields = type ? readFields(type.bytes) : [];
  const tensorType = typeFields.find((field) => field.number === TypeProto.tensorType);
  const tensorTypeFields = tensorType ? readFields(tensorType.bytes) : [];
  if (tensorTypeFields.find((field) => field.number === TensorType.elemType)?.varint !== FLOAT16) return undefined;
  const replace = (from: Field[], number: number, payload: Encoder): Encoder => {
    const out = new Encoder();
    for (const field of from) {
      if (field.number === number) out.lengthDelimited(number, payload);
      else out.bytes(field.raw);
    }
    return out;
  };
  const newTensorType = new Encoder();
  for (const field of tensorTypeFields) {
    if (field.number === TensorType.elemType) newTensorType.varint(TensorType.elemType, FLOAT);
    else newTensorType.bytes(field.raw);
  }
  return replace(fields, ValueInfo.type, replace(typeFields, TypeProto.tensorType, newTensorType));
}

interface NodeChange {
  node: Encoder | undefined;
  tensors: number;
  cast: boolean;
}

function nodeToFloat32(node: Uint8Array): NodeChange {
  const fields = readFields(node);
  const isCast = stringOf(fields, Node.opType) === 'Cast';
  let changed = false;
  let tensors = 0;
  let cast = false;
  const out = new Encoder();
  for (const field of fields) {
    if (field.number !== Node.attribute) {
      out.bytes(field.raw);
      continue;
    }
    const attribute = readFields(field.bytes);
    if (attribute.some((part) => part.number === Attribute.g || part.number === Attribute.graphs || part.number === Attribute.tensors)) {
      throw new Error('onnx-float32: subgraphs and tensor lists are not handled');
    }
    const name = stringOf(attribute, Attribute.name);
    const newAttribute = new Encoder();
    let attributeChanged = false;
    for (const part of attribute) {
      if (isCast && name === 'to' && part.number === Attribute.i && part.varint === FLOAT16) {
        newAttribute.varint(Attribute.i, FLOAT);
        attributeChanged = cast = true;
      } else if (part.number === Attribute.t) {
        const tensor = tensorToFloat32(part.bytes);
        if (tensor) {
          tensors++;
          attributeChanged = true;
        }
        newAttribute.lengthDelimited(Attribute.t, tensor ?? part.bytes);
      } else newAttribute.bytes(part.raw);
    }
    if (attributeChanged) {
      changed = true;
      out.lengthDelimited(Node.attribute, newAttribute);
    } else out.bytes(field.raw);
  }
  return { node: changed ? out : undefined, tensors, cast };
}

export function float16GraphToFloat32(model: Uint8Array): Float32Result {
  let tensors = 0;
  let casts = 0;
  const out = new Encoder();
  for (const modelField of readFields(model)) {
    if (modelField.number !== Model.graph) {
      out.bytes(modelField.raw);
      continue;
    }
    const graph = new Encoder();
    for (const field of readFields(modelField.bytes)) {
      let replacement: Encoder | undefined;
      switch (field.number) {
        case Graph.initializer:
          replacement = tensorToFloat32(field.bytes);
          if (replacement) tensors++;
          break;
        case Graph.node: {
          const change = nodeToFloat32(field.bytes);
          replacement = change.node;
          tensors += change.tensors;
          if (change.cast) casts++;
          break;
        }
        case Graph.input:
        case Graph.output:
        case Graph.valueInfo:
          replacement = valueInfoToFloat32(field.bytes);
          break;
        default:
          break;
      }
      if (replacement) graph.lengthDelimited(field.number, replacement);
      else graph.bytes(field.raw);
    }
    out.lengthDelimited(Model.graph, graph);
  }
  return { model: out.finish(), tensors, casts };
}

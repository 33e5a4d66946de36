/**
 * Makes the IS-Net graphs of @imgly/background-removal-data run at any input size that is a multiple of
 * 64 (IS-Net halves the map six times), as found in the preview research (preview-research.md §1.1–1.2).
 * Both graphs declare a fixed [1,3,1024,1024] input and every Resize has its target *size* baked in:
 * in isnet_fp16 as Concat(Slice(Shape(x))[0:2], Constant[h,w]), in isnet_quint8 as an int64 initializer
 * [1,C,h,w]. So at any other input size the upsampled maps no longer match the skip connections. The patch:
 * 1. gives every Resize constant `scales` [1,1,kH,kW] (k = target / input at 1024², a power of two)
 *    instead of `sizes`, and prunes what only built those sizes (fp16: 39 Shape, 39 Slice, 39 Concat,
 *    156 Constant nodes; quint8: 39 int64 initializers);
 * 2. makes the graph's input and outputs H and W symbolic ("height", "width", "height/2", …);
 * 3. drops `value_info`: its stale fixed shapes make ORT's buffer planner log re-use mismatches;
 * 4. sorts the nodes topologically, keeping the original order wherever the dependencies allow: the fp16
 *    graph's float16 conversion appended its 91 Cast nodes at the end of the list (ORT copes, onnx.checker
 *    does not);
 * 5. sets `ceil_mode` 0 on every MaxPool: every pooled map has an even size at multiples of 64, so this is
 *    exactly equivalent, and it is the only form ORT Web's WebGPU (JSEP) backend accepts.
 *
 * The protobuf wire format is read and written by hand (src/shared/protobuf-wire.ts) rather than with
 * protobufjs: no onnx.proto schema ships in node_modules, only a handful of fields are touched, and
 * working on raw byte ranges lets every untouched message (the 40–90 MB of weights above all) be copied through as-is, which also makes the
 * output a deterministic function of the input. Field numbers are those of onnx/onnx.proto.
 *
 * Pure: bytes in, bytes out; Node or browser.
 */

import {
  Encoder,
  int64sOf,
  messageOf,
  readFields,
  rewriteField,
  stringOf,
  stringsOf,
  utf8Decoder,
  type Field,
} from '../src/shared/protobuf-wire.ts';

// ---------------------------------------------------------------------------------------------------
// The few ONNX messages and fields this patch touches (onnx.proto)

const Model = { graph: 7 } as const;
const Graph = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
const Attribute = { name: 1, i: 3, t: 5, g: 6, graphs: 11, type: 20 } as const;
const AttributeType = { int: 2 } as const;
const Tensor = { dims: 1, dataType: 2, int64Data: 7, name: 8, rawData: 9 } as const;
const ValueInfo = { name: 1, type: 2 } as const;
const TypeProto = { tensorType: 1 } as const;
const TensorType = { shape: 2 } as const;
const Shape = { dim: 1 } as const;
const Dimension = { value: 1, param: 2 } as const;
const DataType = { float: 1, int64: 7 } as const;

interface GraphNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  fields: Field[];
  raw: Uint8Array;
}

function parseNode(raw: Uint8Array): GraphNode {
  const fields = readFields(raw);
  for (const attribute of fields.filter((field) => field.number === Node.attribute)) {
    // Pruning and sorting look only at a node's own inputs; a subgraph could use outer names unseen.
    const attributeFields = readFields(attribute.bytes);
    if (attributeFields.some((field) => field.number === Attribute.g || field.number === Attribute.graphs)) {
      throw new Error(`onnx-dynamic: node ${stringOf(fields, Node.name)} has a subgraph, which this patch does not handle`);
    }
  }
  return {
    name: stringOf(fields, Node.name),
    opType: stringOf(fields, Node.opType),
    inputs: stringsOf(fields, Node.input),
    outputs: stringsOf(fields, Node.output),
    fields,
    raw,
  };
}

/** A node re-encoded with a new input list (in place of the old one) and/or new attributes. */
function encodeNode(node: GraphNode, inputs: string[], attributes?: Map<string, Uint8Array | Encoder>): Encoder {
  const out = new Encoder();
  let inputsWritten = false;
  for (const field of node.fields) {
    if (field.number === Node.input) {
      if (!inputsWritten) for (const input of inputs) out.string(Node.input, input);
      inputsWritten = true;
      continue;
    }
    if (field.number === Node.attribute && attributes) {
      const replacement = attributes.get(stringOf(readFields(field.bytes), Attribute.name));
      out.lengthDelimited(Node.attribute, replacement ?? field.bytes);
      continue;
    }
    out.bytes(field.raw);
  }
  // A node that had no inputs at all gets them at the end; field order does not matter on the wire.
  if (!inputsWritten) for (const input of inputs) out.string(Node.input, input);
  return out;
}

function attributeOf(node: GraphNode, name: string): Field[] | undefined {
  for (const field of node.fields) {
    if (field.number !== Node.attribute) continue;
    const attribute = readFields(field.bytes);
    if (stringOf(attribute, Attribute.name) === name) return attribute;
  }
  return undefined;
}

/** The values of an int64 TensorProto (raw little-endian bytes or the int64_data list). */
function int64TensorValues(tensor: Field[]): bigint[] {
  const dataType = tensor.find((field) => field.number === Tensor.dataType)?.varint;
  if (dataType !== BigInt(DataType.int64)) throw new Error(`onnx-dynamic: expected an int64 tensor, got data type ${String(dataType)}`);
  const raw = tensor.find((field) => field.number === Tensor.rawData);
  if (!raw) return int64sOf(tensor, Tensor.int64Data);
  const view = new DataView(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
  return Array.from({ length: raw.bytes.byteLength / 8 }, (_, i) => view.getBigInt64(i * 8, true));
}

function float32Tensor(name: string, values: number[]): Encoder {
  const data = new Uint8Array(values.length * 4);
  const view = new DataView(data.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return new Encoder()
    .varint(Tensor.dims, BigInt(values.length))
    .varint(Tensor.dataType, BigInt(DataType.float))
    .string(Tensor.name, name)
    .lengthDelimited(Tensor.rawData, data);
}

type Dim = { value: bigint } | { param: string } | undefined;

/** The dims of a ValueInfoProto's tensor shape (undefined for a dim with neither value nor name). */
function shapeOf(valueInfo: Field[]): Dim[] | undefined {
  const shape = messageOf(messageOf(messageOf(valueInfo, ValueInfo.type) ?? [], TypeProto.tensorType) ?? [], TensorType.shape);
  if (!shape) return undefined;
  return shape
    .filter((field) => field.number === Shape.dim)
    .map((field): Dim => {
      const dim = readFields(field.bytes);
      const value = dim.find((candidate) => candidate.number === Dimension.value);
      if (value) return { value: BigInt.asIntN(64, value.varint) };
      const param = dim.find((candidate) => candidate.number === Dimension.param);
      return param ? { param: utf8Decoder.decode(param.bytes) } : undefined;
    });
}

function fixedDim(dims: Dim[] | undefined, axis: number, what: string): number {
  const dim = dims?.[axis];
  if (!dim || !('value' in dim)) throw new Error(`onnx-dynamic: ${what} has no fixed size on axis ${axis}`);
  return Number(dim.value);
}

// ---------------------------------------------------------------------------------------------------
// The patch

export interface DynamicShapeResult {
  model: Uint8Array;
  /** Resize nodes whose constant target size became constant scales. */
  resizes: number;
  /** MaxPool nodes, all of which now have ceil_mode 0. */
  maxPools: number;
}

/** `size / reference` as an exact power of two (1/2, 1, 2, …), or an error naming `what`. */
function powerOfTwoRatio(size: number, reference: number, what: string): number {
  const ratio = size / reference;
  if (!(ratio > 0) || Math.log2(ratio) !== Math.round(Math.log2(ratio))) {
    throw new Error(`onnx-dynamic: ${what}: ${size} / ${reference} is not a power of two`);
  }
  return ratio;
}

export function makeDynamicShape(model: Uint8Array): DynamicShapeResult {
  const modelFields = readFields(model);
  const graphField = modelFields.find((field) => field.number === Model.graph);
  if (!graphField) throw new Error('onnx-dynamic: the model has no graph');
  const graphFields = readFields(graphField.bytes);

  const nodes = graphFields.filter((field) => field.number === Graph.node).map((field) => parseNode(field.bytes));
  const initializers = new Map<string, Field[]>();
  for (const field of graphFields.filter((candidate) => candidate.number === Graph.initializer)) {
    const tensor = readFields(field.bytes);
    initializers.set(stringOf(tensor, Tensor.name), tensor);
  }
  // Every tensor's shape at 1024², from the fixed-shape value_info (and the graph's inputs and outputs).
  const shapeFields = new Set<number>([Graph.input, Graph.output, Graph.valueInfo]);
  const shapes = new Map<string, Dim[] | undefined>();
  for (const field of graphFields.filter((candidate) => shapeFields.has(candidate.number))) {
    const valueInfo = readFields(field.bytes);
    shapes.set(stringOf(valueInfo, ValueInfo.name), shapeOf(valueInfo));
  }
  const producers = new Map<string, GraphNode>();
  for (const node of nodes) for (const output of node.outputs) producers.set(output, node);

  // The one image input (graph inputs can also list initializers in older IR versions).
  const imageInputs = graphFields
    .filter((field) => field.number === Graph.input)
    .map((field) => readFields(field.bytes))
    .filter((valueInfo) => !initializers.has(stringOf(valueInfo, ValueInfo.name)));
  if (imageInputs.length !== 1) throw new Error(`onnx-dynamic: expected one graph input, found ${imageInputs.length}`);
  const inputShape = shapeOf(imageInputs[0] ?? []);
  // Read only where a fixed size is turned into a symbol, so an already patched model passes unchanged.
  const inputSize = (axis: number): number => fixedDim(inputShape, axis, 'the graph input');

  /** The last two values (the target H and W) of a constant int64 tensor, or of the Concat that ends with one. */
  function spatialTarget(name: string): [number, number] {
    let values: bigint[] | undefined;
    const initializer = initializers.get(name);
    const producer = producers.get(name);
    if (initializer) values = int64TensorValues(initializer);
    else if (producer?.opType === 'Constant') {
      const value = attributeOf(producer, 'value');
      const tensor = value && messageOf(value, Attribute.t);
      if (tensor) values = int64TensorValues(tensor);
    } else if (producer?.opType === 'Concat') {
      // fp16: Concat(Slice(Shape(x))[0:2], Constant[h, w]) — N and C follow x, H and W are the constant.
      const last = producer.inputs.at(-1);
      if (last !== undefined) return spatialTarget(last);
    }
    if (!values || values.length < 2) throw new Error(`onnx-dynamic: cannot read a constant target size from ${name}`);
    return [Number(values.at(-2)), Number(values.at(-1))];
  }

  // 1. Resize: constant sizes → constant scales, one shared initializer per distinct (kH, kW).
  const newInputs = new Map<GraphNode, string[]>();
  const scaleInitializers = new Map<string, Encoder>();
  let resizes = 0;
  for (const node of nodes) {
    if (node.opType !== 'Resize') continue;
    const [data, roi = '', scales = '', sizes = ''] = node.inputs;
    if (data === undefined || sizes === '' || scales !== '') continue;
    const what = `Resize ${node.name}`;
    const dataShape = shapes.get(data);
    const [targetHeight, targetWidth] = spatialTarget(sizes);
    const heightScale = powerOfTwoRatio(targetHeight, fixedDim(dataShape, 2, `${what}'s input`), what);
    const widthScale = powerOfTwoRatio(targetWidth, fixedDim(dataShape, 3, `${what}'s input`), what);
    let scalesName = `dynamic_resize_scales_${heightScale}x${widthScale}`;
    while (initializers.has(scalesName) || producers.has(scalesName)) scalesName += '_';
    if (!scaleInitializers.has(scalesName)) scaleInitializers.set(scalesName, float32Tensor(scalesName, [1, 1, heightScale, widthScale]));
    newInputs.set(node, [data, roi, scalesName]);
    resizes++;
  }

  // 5. MaxPool: ceil_mode 0 (for 1 and absent alike, so the count covers every MaxPool).
  const newAttributes = new Map<GraphNode, Map<string, Encoder>>();
  let maxPools = 0;
  for (const node of nodes) {
    if (node.opType !== 'MaxPool') continue;
    maxPools++;
    if (attributeOf(node, 'ceil_mode') === undefined) continue;
    const ceilModeOff = new Encoder()
      .string(Attribute.name, 'ceil_mode')
      .varint(Attribute.i, 0n)
      .varint(Attribute.type, BigInt(AttributeType.int));
    newAttributes.set(node, new Map([['ceil_mode', ceilModeOff]]));
  }

  const inputsOf = (node: GraphNode): string[] => newInputs.get(node) ?? node.inputs;

  // Pruning: keep what the graph outputs need, walking producers backwards from them.
  const outputNames = graphFields
    .filter((field) => field.number === Graph.output)
    .map((field) => stringOf(readFields(field.bytes), ValueInfo.name));
  const needed = new Set<string>(outputNames);
  const liveNodes = new Set<GraphNode>();
  const pending = [...outputNames];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const producer = producers.get(name);
    if (!producer || liveNodes.has(producer)) continue;
    liveNodes.add(producer);
    for (const input of inputsOf(producer)) {
      if (input === '' || needed.has(input)) continue;
      needed.add(input);
      pending.push(input);
    }
  }

  // 4. Topological order: Kahn's algorithm with the original position as priority, i.e. always the first
  // node in the original list whose inputs all exist. A linear scan per step is plenty for ~1000 nodes.
  const available = new Set<string>(['']);
  for (const name of initializers.keys()) if (needed.has(name)) available.add(name);
  for (const name of scaleInitializers.keys()) available.add(name);
  for (const valueInfo of imageInputs) available.add(stringOf(valueInfo, ValueInfo.name));
  const waiting = nodes.filter((node) => liveNodes.has(node));
  const sorted: GraphNode[] = [];
  while (waiting.length > 0) {
    const next = waiting.findIndex((node) => inputsOf(node).every((input) => available.has(input)));
    const node = waiting[next];
    if (!node) {
      const stuck = waiting.map((candidate) => candidate.name).slice(0, 5);
      throw new Error(`onnx-dynamic: a cycle or a missing tensor; no node can run among ${stuck.join(', ')}, …`);
    }
    waiting.splice(next, 1);
    sorted.push(node);
    for (const output of node.outputs) available.add(output);
  }

  // 2. Symbolic H and W on the graph's input and outputs: "height", or "height/2" for a map at half of it.
  function symbolicShape(valueInfo: Uint8Array): Encoder {
    const valueInfoFields = readFields(valueInfo);
    const name = stringOf(valueInfoFields, ValueInfo.name);
    const dims = shapeOf(valueInfoFields) ?? [];
    const symbolOf = (axis: number): string | undefined => {
      const dim = dims[axis];
      if (dims.length !== 4 || (axis !== 2 && axis !== 3) || !dim || !('value' in dim)) return undefined;
      const symbol = axis === 2 ? 'height' : 'width';
      const ratio = powerOfTwoRatio(inputSize(axis), Number(dim.value), `${name} axis ${axis}`);
      return ratio === 1 ? symbol : `${symbol}/${ratio}`;
    };
    return rewriteField(valueInfo, ValueInfo.type, (type) =>
      rewriteField(type, TypeProto.tensorType, (tensorType) =>
        rewriteField(tensorType, TensorType.shape, (shape) => {
          const out = new Encoder();
          let axis = 0;
          for (const field of readFields(shape)) {
            const symbol = field.number === Shape.dim ? symbolOf(axis++) : undefined;
            if (symbol === undefined) out.bytes(field.raw);
            else out.lengthDelimited(Shape.dim, new Encoder().string(Dimension.param, symbol));
          }
          return out;
        }),
      ),
    );
  }

  // Reassemble the graph in its original field order; the first node field stands for the sorted list.
  const graph = new Encoder();
  let nodesWritten = false;
  let initializersSeen = 0;
  const initializerCount = initializers.size;
  for (const field of graphFields) {
    switch (field.number) {
      case Graph.node:
        if (nodesWritten) break;
        nodesWritten = true;
        for (const node of sorted) {
          const inputs = newInputs.get(node);
          const attributes = newAttributes.get(node);
          if (inputs || attributes) graph.lengthDelimited(Graph.node, encodeNode(node, inputs ?? node.inputs, attributes));
          else graph.lengthDelimited(Graph.node, node.raw);
        }
        break;
      case Graph.initializer: {
        initializersSeen++;
        if (needed.has(stringOf(readFields(field.bytes), Tensor.name))) graph.bytes(field.raw);
        if (initializersSeen === initializerCount)
          for (const tensor of scaleInitializers.values()) graph.lengthDelimited(Graph.initializer, tensor);
        break;
      }
      case Graph.input: {
        const name = stringOf(readFields(field.bytes), ValueInfo.name);
        if (initializers.has(name)) {
          if (needed.has(name)) graph.bytes(field.raw);
        } else graph.lengthDelimited(Graph.input, symbolicShape(field.bytes));
        break;
      }
      case Graph.output:
        graph.lengthDelimited(Graph.output, symbolicShape(field.bytes));
        break;
      case Graph.valueInfo:
        break; // 3. dropped: stale fixed shapes
      default:
        graph.bytes(field.raw);
    }
  }
  if (initializerCount === 0) for (const tensor of scaleInitializers.values()) graph.lengthDelimited(Graph.initializer, tensor);

  const out = new Encoder();
  for (const field of modelFields) {
    if (field === graphField) out.lengthDelimited(Model.graph, graph);
    else out.bytes(field.raw);
  }
  return { model: out.finish(), resizes, maxPools };
}

/** A graph input or output: its name and dims (a number when fixed, a name when symbolic, null when neither). */
export interface GraphValue {
  name: string;
  dims: Array<number | string | null>;
}

/**
 * The declared inputs and outputs of a model: what a caller (or a test) checks to see whether a model is
 * the patched one, since onnxruntime-web 1.21 does not expose input shapes.
 */
export function graphInterface(model: Uint8Array): { inputs: GraphValue[]; outputs: GraphValue[] } {
  const graphField = readFields(model).find((field) => field.number === Model.graph);
  if (!graphField) throw new Error('onnx-dynamic: the model has no graph');
  const graphFields = readFields(graphField.bytes);
  const initializerNames = new Set(
    graphFields.filter((field) => field.number === Graph.initializer).map((field) => stringOf(readFields(field.bytes), Tensor.name)),
  );
  const valuesOf = (number: number): GraphValue[] =>
    graphFields
      .filter((field) => field.number === number)
      .map((field) => readFields(field.bytes))
      .map((valueInfo) => ({
        name: stringOf(valueInfo, ValueInfo.name),
        dims: (shapeOf(valueInfo) ?? []).map((dim) => (dim === undefined ? null : 'value' in dim ? Number(dim.value) : dim.param)),
      }))
      .filter((value) => !initializerNames.has(value.name));
  return { inputs: valuesOf(Graph.input), outputs: valuesOf(Graph.output) };
}

/**
 * The protobuf wire format, read and written by hand: just what the ONNX graph rewrites need
 * (scripts/onnx-dynamic.ts at build time, shared/onnx-float32.ts in the engine worker). Working on raw
 * byte ranges lets every untouched message (the weights above all) be copied through as-is.
 * Pure: bytes in, bytes out; Node or browser.
 */

export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** One field of a message, as found on the wire. */
export interface Field {
  number: number;
  wireType: WireType;
  /** The varint's value (a 64-bit two's-complement integer read as unsigned). */
  varint: bigint;
  /** The payload of a length-delimited or fixed-size field (a view into the input, never a copy). */
  bytes: Uint8Array;
  /** The whole field as encoded, tag included: what gets copied when the field is left alone. */
  raw: Uint8Array;
}

const NO_BYTES: Uint8Array = new Uint8Array(0);

export function readVarint(buffer: Uint8Array, start: number): { value: bigint; end: number } {
  let value = 0n;
  let shift = 0n;
  let position = start;
  for (;;) {
    const byte = buffer[position++];
    if (byte === undefined) throw new Error('protobuf: truncated varint');
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, end: position };
    shift += 7n;
    if (shift > 63n) throw new Error('protobuf: varint longer than 10 bytes');
  }
}

export function readFields(message: Uint8Array): Field[] {
  const fields: Field[] = [];
  let position = 0;
  while (position < message.length) {
    const start = position;
    const tag = readVarint(message, position);
    position = tag.end;
    const number = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    let varint = 0n;
    let bytes = NO_BYTES;
    switch (wireType) {
      case WireType.Varint: {
        const read = readVarint(message, position);
        varint = read.value;
        position = read.end;
        break;
      }
      case WireType.Fixed64:
      case WireType.Fixed32: {
        const size = wireType === WireType.Fixed64 ? 8 : 4;
        bytes = message.subarray(position, position + size);
        position += size;
        break;
      }
      case WireType.LengthDelimited: {
        const length = readVarint(message, position);
        position = length.end;
        bytes = message.subarray(position, position + Number(length.value));
        position += Number(length.value);
        break;
      }
      default:
        // Groups (3, 4) are long deprecated and ONNX never uses them.
        throw new Error(`protobuf: unsupported wire type ${wireType} at byte ${start}`);
    }
    if (position > message.length) throw new Error('protobuf: field runs past the end of its message');
    fields.push({ number, wireType: wireType as WireType, varint, bytes, raw: message.subarray(start, position) });
  }
  return fields;
}

export const utf8Decoder = new TextDecoder();
export const utf8Encoder = new TextEncoder();

export function stringsOf(fields: Field[], number: number): string[] {
  return fields.filter((field) => field.number === number).map((field) => utf8Decoder.decode(field.bytes));
}

export function stringOf(fields: Field[], number: number): string {
  return stringsOf(fields, number)[0] ?? '';
}

export function messageOf(fields: Field[], number: number): Field[] | undefined {
  const field = fields.find((candidate) => candidate.number === number);
  return field ? readFields(field.bytes) : undefined;
}

/** A repeated int64 field, packed (one length-delimited field) or not (one varint per value). */
export function int64sOf(fields: Field[], number: number): bigint[] {
  const values: bigint[] = [];
  for (const field of fields) {
    if (field.number !== number) continue;
    if (field.wireType === WireType.Varint) {
      values.push(BigInt.asIntN(64, field.varint));
      continue;
    }
    for (let position = 0; position < field.bytes.length;) {
      const read = readVarint(field.bytes, position);
      values.push(BigInt.asIntN(64, read.value));
      position = read.end;
    }
  }
  return values;
}

/** A message under construction: a list of byte parts, concatenated once at the very end. */
export class Encoder {
  readonly parts: Uint8Array[] = [];
  length = 0;

  bytes(part: Uint8Array): this {
    this.parts.push(part);
    this.length += part.length;
    return this;
  }

  varintValue(value: bigint): this {
    const out: number[] = [];
    let rest = BigInt.asUintN(64, value);
    while (rest >= 0x80n) {
      out.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    out.push(Number(rest));
    return this.bytes(Uint8Array.from(out));
  }

  tag(number: number, wireType: WireType): this {
    return this.varintValue((BigInt(number) << 3n) | BigInt(wireType));
  }

  varint(number: number, value: bigint): this {
    return this.tag(number, WireType.Varint).varintValue(value);
  }

  lengthDelimited(number: number, payload: Uint8Array | Encoder): this {
    this.tag(number, WireType.LengthDelimited).varintValue(BigInt(payload.length));
    if (payload instanceof Encoder) for (const part of payload.parts) this.bytes(part);
    else this.bytes(payload);
    return this;
  }

  string(number: number, value: string): this {
    return this.lengthDelimited(number, utf8Encoder.encode(value));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/** Re-encodes a message with each occurrence of field `number` (length-delimited) transformed. */
export function rewriteField(message: Uint8Array, number: number, transform: (payload: Uint8Array) => Uint8Array | Encoder): Encoder {
  const out = new Encoder();
  for (const field of readFields(message)) {
    if (field.number === number && field.wireType === WireType.LengthDelimited) out.lengthDelimited(number, transform(field.bytes));
    else out.bytes(field.raw);
  }
  return out;
}

import { bytesToHex, getAddress, hexToBytes, keccak256, type Hex } from "viem";
import {
  ACCURACY_BIT,
  FIRMWARE_BIT,
  FIRMWARE_MAX_BYTES,
  FIRMWARE_PATTERN,
  INTEGER_BYTES,
  KNOWN_BITS_MASK,
  POSITION_BIT,
  POSITION_FIELDS,
  SCALAR_FIELDS,
  type IntegerType,
} from "./fields";
import { MAX_UINT64, type TelemetryMessage } from "./message";

/**
 * Canonical binary layout of a telemetry message (docs/device-protocol.md §3)
 * and the digest a device signs. Big-endian, fixed-width fields, absent
 * optional fields take no bytes and are marked by a cleared presence bit.
 *
 *   "DPHT" | version u8 | device 20 B | sequence u64 | timestamp u64 | presence u16 | present fields in bit order
 */

export const MAGIC = new Uint8Array([0x44, 0x50, 0x48, 0x54]); // "DPHT"
export const LAYOUT_VERSION = 1;
export const HEADER_BYTES = 4 + 1 + 20 + 8 + 8 + 2;

const POSITION_BYTES = 8;

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} = ${value} is not an integer in [${min}, ${max}]`);
  }
}

function writeInteger(view: DataView, offset: number, type: IntegerType, value: number): number {
  switch (type) {
    case "u8":
      view.setUint8(offset, value);
      break;
    case "i16":
      view.setInt16(offset, value);
      break;
    case "u16":
      view.setUint16(offset, value);
      break;
    case "i32":
      view.setInt32(offset, value);
      break;
    case "u32":
      view.setUint32(offset, value);
      break;
  }
  return offset + INTEGER_BYTES[type];
}

function readInteger(view: DataView, offset: number, type: IntegerType): number {
  switch (type) {
    case "u8":
      return view.getUint8(offset);
    case "i16":
      return view.getInt16(offset);
    case "u16":
      return view.getUint16(offset);
    case "i32":
      return view.getInt32(offset);
    case "u32":
      return view.getUint32(offset);
  }
}

function firmwareBytes(firmware: string): Uint8Array {
  if (firmware.length < 1 || firmware.length > FIRMWARE_MAX_BYTES || !FIRMWARE_PATTERN.test(firmware)) {
    throw new RangeError(`firmware must be 1–${FIRMWARE_MAX_BYTES} printable ASCII characters`);
  }
  return Uint8Array.from(firmware, (char) => char.charCodeAt(0));
}

/**
 * The canonical bytes of a message. Throws RangeError for a value the layout
 * cannot represent, so nothing out of range is ever signed or stored.
 */
export function encodeTelemetry(message: TelemetryMessage): Uint8Array {
  if (message.sequence < 0n || message.sequence > MAX_UINT64) throw new RangeError("sequence is not a uint64");
  checkInteger("timestamp", message.timestamp, 0, Number.MAX_SAFE_INTEGER);
  const firmware = message.firmware === undefined ? undefined : firmwareBytes(message.firmware);

  let presence = 0;
  let length = HEADER_BYTES;
  const { position } = message;
  if (position) {
    checkInteger("position.latE6", position.latE6, POSITION_FIELDS.latE6.min, POSITION_FIELDS.latE6.max);
    checkInteger("position.lonE6", position.lonE6, POSITION_FIELDS.lonE6.min, POSITION_FIELDS.lonE6.max);
    presence |= 1 << POSITION_BIT;
    length += POSITION_BYTES;
    if (position.accuracyCm !== undefined) {
      const { min, max } = POSITION_FIELDS.accuracyCm;
      checkInteger("position.accuracyCm", position.accuracyCm, min, max);
      presence |= 1 << ACCURACY_BIT;
      length += INTEGER_BYTES.u32;
    }
  }
  for (const field of SCALAR_FIELDS) {
    const value = message[field.key];
    if (value === undefined) continue;
    checkInteger(field.key, value, field.min, field.max);
    presence |= 1 << field.bit;
    length += INTEGER_BYTES[field.type];
  }
  if (firmware) {
    presence |= 1 << FIRMWARE_BIT;
    length += 1 + firmware.length;
  }

  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint8(4, LAYOUT_VERSION);
  bytes.set(hexToBytes(message.device), 5);
  view.setBigUint64(25, message.sequence);
  view.setBigUint64(33, BigInt(message.timestamp));
  view.setUint16(41, presence);

  let offset = HEADER_BYTES;
  if (position) {
    offset = writeInteger(view, offset, "i32", position.latE6);
    offset = writeInteger(view, offset, "i32", position.lonE6);
    if (position.accuracyCm !== undefined) offset = writeInteger(view, offset, "u32", position.accuracyCm);
  }
  for (const field of SCALAR_FIELDS) {
    const value = message[field.key];
    if (value !== undefined) offset = writeInteger(view, offset, field.type, value);
  }
  if (firmware) {
    view.setUint8(offset, firmware.length);
    bytes.set(firmware, offset + 1);
  }
  return bytes;
}

/**
 * Inverse of encodeTelemetry. Rejects (throws) anything encodeTelemetry would
 * not produce — reserved bits, accuracy without position, trailing bytes — so
 * decode∘encode = id proves the encoding injective.
 */
export function decodeTelemetry(bytes: Uint8Array): TelemetryMessage {
  if (bytes.length < HEADER_BYTES) throw new RangeError("too short for the header");
  if (!MAGIC.every((byte, i) => bytes[i] === byte)) throw new RangeError("bad magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(4) !== LAYOUT_VERSION) throw new RangeError("unknown layout version");

  const timestamp = view.getBigUint64(33);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("timestamp beyond 2^53-1");
  const presence = view.getUint16(41);
  if ((presence & ~KNOWN_BITS_MASK) !== 0) throw new RangeError("reserved presence bits set");
  const has = (bit: number) => (presence & (1 << bit)) !== 0;
  if (has(ACCURACY_BIT) && !has(POSITION_BIT)) throw new RangeError("accuracy without position");

  const message: TelemetryMessage = {
    device: getAddress(bytesToHex(bytes.subarray(5, 25))),
    sequence: view.getBigUint64(25),
    timestamp: Number(timestamp),
  };
  let offset = HEADER_BYTES;
  const take = (type: IntegerType, name: string, min: number, max: number): number => {
    if (offset + INTEGER_BYTES[type] > bytes.length) throw new RangeError(`truncated at ${name}`);
    const value = readInteger(view, offset, type);
    checkInteger(name, value, min, max);
    offset += INTEGER_BYTES[type];
    return value;
  };

  if (has(POSITION_BIT)) {
    const { latE6, lonE6, accuracyCm } = POSITION_FIELDS;
    message.position = {
      latE6: take("i32", "position.latE6", latE6.min, latE6.max),
      lonE6: take("i32", "position.lonE6", lonE6.min, lonE6.max),
    };
    if (has(ACCURACY_BIT)) message.position.accuracyCm = take("u32", "position.accuracyCm", accuracyCm.min, accuracyCm.max);
  }
  for (const field of SCALAR_FIELDS) {
    if (has(field.bit)) message[field.key] = take(field.type, field.key, field.min, field.max);
  }
  if (has(FIRMWARE_BIT)) {
    const length = take("u8", "firmware length", 1, FIRMWARE_MAX_BYTES);
    if (offset + length > bytes.length) throw new RangeError("truncated firmware");
    message.firmware = String.fromCharCode(...bytes.subarray(offset, offset + length));
    firmwareBytes(message.firmware);
    offset += length;
  }
  if (offset !== bytes.length) throw new RangeError("trailing bytes");
  return message;
}

const PERSONAL_SIGN_PREFIX = "\x19Ethereum Signed Message:\n";

/** The EIP-191 (version 0x45, "personal_sign") envelope: prefix, decimal byte length, the bytes. */
export function personalSignPayload(encoded: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(`${PERSONAL_SIGN_PREFIX}${encoded.length}`);
  const payload = new Uint8Array(prefix.length + encoded.length);
  payload.set(prefix, 0);
  payload.set(encoded, prefix.length);
  return payload;
}

/** The 32-byte hash the device signs: keccak256 of the EIP-191 envelope of the canonical bytes. */
export function telemetryDigest(message: TelemetryMessage): Hex {
  return keccak256(personalSignPayload(encodeTelemetry(message)));
}

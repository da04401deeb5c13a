import { getAddress, type Address, type Hex } from "viem";
import { z } from "zod";
import { rejection, type Rejection } from "./codes";
import { FIRMWARE_MAX_BYTES, FIRMWARE_PATTERN, POSITION_FIELDS, SCALAR_FIELDS, type ScalarKey } from "./fields";
import { MAX_BATCH_MESSAGES } from "./limits";

/**
 * The JSON wire format of telemetry messages and batches (docs/device-protocol.md §4)
 * parsed into typed messages. Parsing never throws: every failure becomes a
 * SCHEMA or OUT_OF_RANGE rejection a device can act on.
 */

export const MAX_UINT64 = 2n ** 64n - 1n;

function scalarRange(key: ScalarKey) {
  const field = SCALAR_FIELDS.find((f) => f.key === key);
  if (!field) throw new Error(`unknown field ${key}`);
  return z.int().min(field.min).max(field.max);
}

// JSON.parse turns integers above 2^53-1 into (unsafe) doubles; z.int() rejects
// those, so a large sequence number must come as a decimal string instead.
const uint64 = z
  .union([z.int(), z.string().regex(/^(0|[1-9][0-9]{0,29})$/, "must be a decimal integer string")])
  .transform((value) => BigInt(value))
  .pipe(z.bigint().min(0n).max(MAX_UINT64));

const position = z.strictObject({
  latE6: z.int().min(POSITION_FIELDS.latE6.min).max(POSITION_FIELDS.latE6.max),
  lonE6: z.int().min(POSITION_FIELDS.lonE6.min).max(POSITION_FIELDS.lonE6.max),
  accuracyCm: z.int().min(POSITION_FIELDS.accuracyCm.min).max(POSITION_FIELDS.accuracyCm.max).optional(),
});

const telemetryFields = {
  device: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
    .transform((value): Address => getAddress(value.toLowerCase())),
  sequence: uint64,
  timestamp: z.int().min(0),
  position: position.optional(),
  temperatureCentiC: scalarRange("temperatureCentiC").optional(),
  humidityCentiPct: scalarRange("humidityCentiPct").optional(),
  pm25DeciUgM3: scalarRange("pm25DeciUgM3").optional(),
  pm10DeciUgM3: scalarRange("pm10DeciUgM3").optional(),
  lightCentiLux: scalarRange("lightCentiLux").optional(),
  pressurePa: scalarRange("pressurePa").optional(),
  speedCmS: scalarRange("speedCmS").optional(),
  headingCentiDeg: scalarRange("headingCentiDeg").optional(),
  batteryPct: scalarRange("batteryPct").optional(),
  firmware: z.string().min(1).max(FIRMWARE_MAX_BYTES).regex(FIRMWARE_PATTERN, "must be printable ASCII").optional(),
};

/** An unsigned message: exactly what the canonical encoding covers. */
export const telemetryMessageSchema = z.strictObject(telemetryFields);

/** A message as it travels: the fields plus the device's signature. */
export const signedTelemetryMessageSchema = z.strictObject({
  ...telemetryFields,
  // r || s || v, v = 27 or 28. Only the shape is checked here; verify.ts checks the values.
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]{130}$/, "must be 0x followed by 65 bytes of hex")
    .transform((value): Hex => value.toLowerCase() as Hex),
});

export type TelemetryMessage = z.output<typeof telemetryMessageSchema>;
export type SignedTelemetryMessage = z.output<typeof signedTelemetryMessageSchema>;
export type TelemetryPosition = z.output<typeof position>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

/** A wrong magnitude is OUT_OF_RANGE; anything else (type, shape, format) is SCHEMA. */
function rejectionFor(error: z.ZodError): Rejection {
  const isRange = (issue: z.core.$ZodIssue) =>
    (issue.code === "too_big" || issue.code === "too_small") && (issue.origin === "number" || issue.origin === "bigint");
  const schemaIssue = error.issues.find((issue) => !isRange(issue));
  const first = schemaIssue ?? error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.map(String).join(".")}: ` : "";
  return rejection(schemaIssue ? "SCHEMA" : "OUT_OF_RANGE", first ? `(${where}${first.message})` : undefined);
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown): ParseResult<T> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, rejection: rejectionFor(result.error) };
}

export function parseSignedTelemetry(input: unknown): ParseResult<SignedTelemetryMessage> {
  return parseWith(signedTelemetryMessageSchema, input);
}

export function parseTelemetry(input: unknown): ParseResult<TelemetryMessage> {
  return parseWith(telemetryMessageSchema, input);
}

const batchEnvelope = z.strictObject({ messages: z.array(z.unknown()).min(1) });

/**
 * A batch `{ "messages": [...] }`. The envelope is all-or-nothing (SCHEMA or
 * BATCH_TOO_LARGE for the whole request); each message is then parsed on its own
 * so one bad message does not sink the others.
 */
export function parseTelemetryBatch(input: unknown): ParseResult<ParseResult<SignedTelemetryMessage>[]> {
  const envelope = batchEnvelope.safeParse(input);
  if (!envelope.success) return { ok: false, rejection: rejectionFor(envelope.error) };
  const { messages } = envelope.data;
  if (messages.length > MAX_BATCH_MESSAGES) {
    return { ok: false, rejection: rejection("BATCH_TOO_LARGE", `(${messages.length} > ${MAX_BATCH_MESSAGES})`) };
  }
  return { ok: true, value: messages.map(parseSignedTelemetry) };
}

/** An MQTT payload is one message object or a batch envelope. */
export function parseMqttPayload(input: unknown): ParseResult<ParseResult<SignedTelemetryMessage>[]> {
  const isBatch = typeof input === "object" && input !== null && "messages" in input;
  return isBatch ? parseTelemetryBatch(input) : { ok: true, value: [parseSignedTelemetry(input)] };
}

/** `devices/<lowercase 0x address>/telemetry` → the address; null for any other topic. */
export function deviceFromTopic(topic: string): Address | null {
  const match = /^devices\/(0x[0-9a-f]{40})\/telemetry$/.exec(topic);
  return match?.[1] ? getAddress(match[1]) : null;
}

/** The wire JSON of a message: sequence as a decimal string so any uint64 survives JSON. */
export function toWireJson(message: SignedTelemetryMessage): Record<string, unknown> {
  return { ...message, sequence: message.sequence.toString() };
}

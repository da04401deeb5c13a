import { describe, expect, it } from "vitest";
import { FIRMWARE_MAX_BYTES, POSITION_FIELDS, SCALAR_FIELDS } from "./fields";
import { MAX_BATCH_MESSAGES } from "./limits";
import {
  deviceFromTopic,
  MAX_UINT64,
  parseMqttPayload,
  parseSignedTelemetry,
  parseTelemetryBatch,
  type ParseResult,
} from "./message";

const base = {
  device: "0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a",
  sequence: "1",
  timestamp: 1_767_225_600_000,
  signature: `0x${"ab".repeat(64)}1b`,
};

function codeOf<T>(result: ParseResult<T>): string {
  return result.ok ? "ok" : result.rejection.code;
}

const parse = (overrides: Record<string, unknown>) => parseSignedTelemetry({ ...base, ...overrides });
const without = (key: keyof typeof base) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key));

describe("parseSignedTelemetry: required fields", () => {
  it("accepts the minimal message and types it", () => {
    const result = parse({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.sequence).toBe(1n);
    expect(result.value.device).toBe("0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A");
  });

  it.each(Object.keys(base) as (keyof typeof base)[])("rejects a message without %s as SCHEMA", (key) => {
    expect(codeOf(parseSignedTelemetry(without(key)))).toBe("SCHEMA");
  });

  it("rejects unknown members at any level as SCHEMA", () => {
    expect(codeOf(parse({ temperature: 2150 }))).toBe("SCHEMA");
    expect(codeOf(parse({ position: { latE6: 0, lonE6: 0, altitudeCm: 5 } }))).toBe("SCHEMA");
  });

  it("rejects null for an optional field (absent fields are omitted)", () => {
    expect(codeOf(parse({ batteryPct: null }))).toBe("SCHEMA");
  });

  it("rejects non-objects", () => {
    for (const input of [null, 42, "x", [], undefined]) expect(codeOf(parseSignedTelemetry(input))).toBe("SCHEMA");
  });
});

describe("parseSignedTelemetry: sequence is a uint64", () => {
  it.each([
    ["0", 0n],
    [0, 0n],
    ["18446744073709551615", MAX_UINT64],
    [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
    ["9007199254740993", 9_007_199_254_740_993n],
  ])("accepts %j", (sequence, expected) => {
    const result = parse({ sequence });
    expect(result.ok && result.value.sequence).toBe(expected);
  });

  it.each([
    ["18446744073709551616", "OUT_OF_RANGE"],
    [-1, "OUT_OF_RANGE"],
    // JSON.parse already rounded this; accepting it could silently change the sequence.
    [2 ** 53, "SCHEMA"],
    [1.5, "SCHEMA"],
    ["01", "SCHEMA"],
    ["-1", "SCHEMA"],
    [" 1", "SCHEMA"],
    ["1e3", "SCHEMA"],
    ["0x10", "SCHEMA"],
    ["", "SCHEMA"],
    [null, "SCHEMA"],
  ])("rejects %j as %s", (sequence, code) => {
    expect(codeOf(parse({ sequence }))).toBe(code);
  });
});

describe("parseSignedTelemetry: timestamp, device, signature", () => {
  it("timestamp must be a non-negative safe integer", () => {
    expect(codeOf(parse({ timestamp: 0 }))).toBe("ok");
    expect(codeOf(parse({ timestamp: Number.MAX_SAFE_INTEGER }))).toBe("ok");
    expect(codeOf(parse({ timestamp: -1 }))).toBe("OUT_OF_RANGE");
    expect(codeOf(parse({ timestamp: 1.5 }))).toBe("SCHEMA");
    expect(codeOf(parse({ timestamp: "1767225600000" }))).toBe("SCHEMA");
  });

  it("device is 0x + 40 hex digits in any case", () => {
    expect(codeOf(parse({ device: base.device.toUpperCase().replace("0X", "0x") }))).toBe("ok");
    expect(codeOf(parse({ device: base.device.slice(2) }))).toBe("SCHEMA");
    expect(codeOf(parse({ device: `${base.device}00` }))).toBe("SCHEMA");
    expect(codeOf(parse({ device: base.device.replace("a", "g") }))).toBe("SCHEMA");
  });

  it("signature is 0x + 65 bytes of hex, normalised to lowercase", () => {
    const upper = `0x${"AB".repeat(64)}1C`;
    const result = parse({ signature: upper });
    expect(result.ok && result.value.signature).toBe(upper.toLowerCase());
    expect(codeOf(parse({ signature: `0x${"ab".repeat(64)}` }))).toBe("SCHEMA");
    expect(codeOf(parse({ signature: `0x${"ab".repeat(66)}` }))).toBe("SCHEMA");
  });
});

describe("parseSignedTelemetry: physical ranges", () => {
  const integerFields = [
    ...SCALAR_FIELDS.map((f) => ({ name: f.key, min: f.min, max: f.max, wrap: (v: unknown) => ({ [f.key]: v }) })),
    { ...POSITION_FIELDS.latE6, name: "position.latE6", wrap: (v: unknown) => ({ position: { latE6: v, lonE6: 0 } }) },
    { ...POSITION_FIELDS.lonE6, name: "position.lonE6", wrap: (v: unknown) => ({ position: { latE6: 0, lonE6: v } }) },
    {
      ...POSITION_FIELDS.accuracyCm,
      name: "position.accuracyCm",
      wrap: (v: unknown) => ({ position: { latE6: 0, lonE6: 0, accuracyCm: v } }),
    },
  ];

  describe.each(integerFields.map((f) => [f.name, f] as const))("%s", (_name, field) => {
    it("accepts both bounds", () => {
      expect(codeOf(parse(field.wrap(field.min)))).toBe("ok");
      expect(codeOf(parse(field.wrap(field.max)))).toBe("ok");
    });
    it("rejects one step outside either bound as OUT_OF_RANGE", () => {
      expect(codeOf(parse(field.wrap(field.min - 1)))).toBe("OUT_OF_RANGE");
      expect(codeOf(parse(field.wrap(field.max + 1)))).toBe("OUT_OF_RANGE");
    });
    it("rejects fractions, strings and null as SCHEMA", () => {
      expect(codeOf(parse(field.wrap(field.min + 0.5)))).toBe("SCHEMA");
      expect(codeOf(parse(field.wrap(String(field.min))))).toBe("SCHEMA");
      expect(codeOf(parse(field.wrap(null)))).toBe("SCHEMA");
    });
  });

  it("heading 360.00° is not a second encoding of 0°", () => {
    expect(codeOf(parse({ headingCentiDeg: 36_000 }))).toBe("OUT_OF_RANGE");
  });

  it("position needs both latitude and longitude; accuracy only comes with them", () => {
    expect(codeOf(parse({ position: { latE6: 0 } }))).toBe("SCHEMA");
    expect(codeOf(parse({ position: { accuracyCm: 100 } }))).toBe("SCHEMA");
    expect(codeOf(parse({ position: {} }))).toBe("SCHEMA");
  });

  it("firmware is 1–32 printable ASCII characters", () => {
    expect(codeOf(parse({ firmware: "x".repeat(FIRMWARE_MAX_BYTES) }))).toBe("ok");
    expect(codeOf(parse({ firmware: " ~" }))).toBe("ok");
    expect(codeOf(parse({ firmware: "x".repeat(FIRMWARE_MAX_BYTES + 1) }))).toBe("SCHEMA");
    expect(codeOf(parse({ firmware: "" }))).toBe("SCHEMA");
    expect(codeOf(parse({ firmware: "v1.0-é" }))).toBe("SCHEMA");
    expect(codeOf(parse({ firmware: "v1\n" }))).toBe("SCHEMA");
  });

  it("names the offending field in the reason", () => {
    const result = parse({ position: { latE6: 90_000_001, lonE6: 0 } });
    expect(!result.ok && result.rejection.reason).toContain("position.latE6");
  });
});

describe("parseTelemetryBatch", () => {
  it("parses each message on its own", () => {
    const result = parseTelemetryBatch({ messages: [base, { ...base, batteryPct: 101 }, { ...base, extra: 1 }] });
    expect(result.ok && result.value.map(codeOf)).toEqual(["ok", "OUT_OF_RANGE", "SCHEMA"]);
  });

  it(`accepts ${MAX_BATCH_MESSAGES} messages and refuses one more as BATCH_TOO_LARGE`, () => {
    expect(codeOf(parseTelemetryBatch({ messages: Array(MAX_BATCH_MESSAGES).fill(base) }))).toBe("ok");
    expect(codeOf(parseTelemetryBatch({ messages: Array(MAX_BATCH_MESSAGES + 1).fill(base) }))).toBe("BATCH_TOO_LARGE");
  });

  it("rejects a wrong envelope as SCHEMA", () => {
    for (const input of [[base], { messages: [] }, { messages: base }, { messages: [base], extra: true }, null]) {
      expect(codeOf(parseTelemetryBatch(input))).toBe("SCHEMA");
    }
  });
});

describe("MQTT", () => {
  it("payload is one message or a batch", () => {
    expect(parseMqttPayload(base)).toMatchObject({ ok: true, value: [{ ok: true }] });
    expect(parseMqttPayload({ messages: [base, base] })).toMatchObject({ ok: true, value: [{ ok: true }, { ok: true }] });
    expect(parseMqttPayload({ ...base, batteryPct: -1 })).toMatchObject({ ok: true, value: [{ ok: false }] });
  });

  it("topic names the device in lowercase hex", () => {
    expect(deviceFromTopic(`devices/${base.device}/telemetry`)).toBe("0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A");
    expect(deviceFromTopic(`devices/${base.device.toUpperCase().replace("0X", "0x")}/telemetry`)).toBeNull();
    expect(deviceFromTopic(`devices/${base.device}/telemetry/results`)).toBeNull();
    expect(deviceFromTopic(`devices/${base.device.slice(0, -1)}/telemetry`)).toBeNull();
  });
});

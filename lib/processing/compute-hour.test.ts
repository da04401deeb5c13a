import { describe, expect, it } from "vitest";
import { DEVICE_A, DEVICE_B, HOUR, walker } from "../quality/test-fixtures";
import { computeHour } from "./compute-hour";

describe("computeHour", () => {
  it("gives one row per device, sorted, with JSON-ready sensors and findings", () => {
    const rows = computeHour(new Map([[DEVICE_B, walker({ device: DEVICE_B, lat: 48.1 })], [DEVICE_A, walker()]]), new Date(HOUR));
    expect(rows.map((r) => r.device)).toEqual([DEVICE_A, DEVICE_B]);
    expect(rows[0]).toMatchObject({ messageCount: 720, onlineMinutes: 60, qualityScore: 100, findings: [] });
    expect(Object.keys(rows[0]?.sensors ?? {})).toContain("temperature");
  });

  it("scores the fleet together: two devices replaying one track both get the shared-position finding", () => {
    const rows = computeHour(new Map([[DEVICE_A, walker()], [DEVICE_B, walker({ device: DEVICE_B })]]), new Date(HOUR));
    for (const row of rows) {
      expect(row.findings.some((f) => f.check === "shared-position" && typeof f.at === "string")).toBe(true);
      expect(row.qualityScore).toBeLessThan(100);
    }
  });

  it("is deterministic whatever the input order", () => {
    const readings = walker();
    const shuffled = [...readings].reverse();
    expect(computeHour(new Map([[DEVICE_A, shuffled]]), new Date(HOUR))).toEqual(computeHour(new Map([[DEVICE_A, readings]]), new Date(HOUR)));
  });
});

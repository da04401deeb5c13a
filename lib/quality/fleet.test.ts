import { describe, expect, it } from "vitest";
import type { DeviceReading } from "../aggregates/reading";
import { DEFAULT_QUALITY_CONFIG } from "./config";
import { scoreFleet } from "./score";
import { detectSharedPositions } from "./shared-positions";
import { DEFAULT_STATUS_THRESHOLDS, deviceStatus, lastSeen } from "./status";
import { DEVICE_A, DEVICE_B, HOUR, walker } from "./test-fixtures";

const DEVICE_C = "0x000000000000000000000000000000000000000c";
const config = DEFAULT_QUALITY_CONFIG.shared;
const replay = (readings: DeviceReading[], device: string, shiftMs = 0): DeviceReading[] =>
  readings.map((r) => ({ ...r, device, measuredAt: r.measuredAt + shiftMs + 700, receivedAt: r.receivedAt + shiftMs + 700 }));

describe("detectSharedPositions", () => {
  const track = walker();

  it("flags two devices replaying the same track, and both lose points", () => {
    const fleet = new Map([
      [DEVICE_B, replay(track, DEVICE_B)],
      [DEVICE_A, track],
      [DEVICE_C, walker({ device: DEVICE_C, lat: 48.137, lon: 11.575 })],
    ]);
    const findings = detectSharedPositions(fleet, config);
    expect([...findings.keys()]).toEqual([DEVICE_A, DEVICE_B]);
    expect(findings.get(DEVICE_A)?.[0]?.reason).toBe(
      "reported the same position as device 0x0000…000b (within 5 m and 10 s) in 60 different minutes between 12:00:00 UTC and " +
        "12:59:55 UTC; devices that replay one track or sit stacked in one place look like copied data",
    );
    const scores = scoreFleet(fleet);
    expect([...scores.keys()]).toEqual([DEVICE_A, DEVICE_B, DEVICE_C]);
    expect(scores.get(DEVICE_A)?.score).toBe(75);
    expect(scores.get(DEVICE_B)?.score).toBe(75);
    expect(scores.get(DEVICE_C)?.score).toBe(100);
  });

  it("does not flag the same track an hour later, a short encounter, or a parallel walker 20 m away", () => {
    const meeting = replay(track.slice(100, 130), DEVICE_B); // 2.5 minutes side by side
    expect(detectSharedPositions(new Map([[DEVICE_A, track], [DEVICE_B, replay(track, DEVICE_B, 3_600_000)]]), config).size).toBe(0);
    expect(detectSharedPositions(new Map([[DEVICE_A, track], [DEVICE_B, meeting]]), config).size).toBe(0);
    const beside = walker({ device: DEVICE_B, lat: 52.52 + 20 / 111_195 });
    expect(detectSharedPositions(new Map([[DEVICE_A, track], [DEVICE_B, beside]]), config).size).toBe(0);
  });

  it("finds matches across grid cell borders near the poles and the equator", () => {
    for (const lat of [0, 45, 89.99]) {
      const a = walker({ lat, lon: 0.00001, count: 120, intervalMs: 30_000 });
      const b = a.map((r) => ({ ...r, device: DEVICE_B, lat: (r.lat ?? 0) + 3 / 111_195 }));
      expect(detectSharedPositions(new Map([[DEVICE_A, a], [DEVICE_B, b]]), config).size).toBe(2);
    }
  });
});

describe("deviceStatus", () => {
  const now = new Date(HOUR);
  const ago = (ms: number) => new Date(HOUR - ms);

  it("is online under 5 minutes, stale under an hour, offline after that or when never seen", () => {
    expect(deviceStatus(ago(0), now)).toBe("online");
    expect(deviceStatus(ago(299_999), now)).toBe("online");
    expect(deviceStatus(ago(300_000), now)).toBe("stale");
    expect(deviceStatus(ago(3_599_999), now)).toBe("stale");
    expect(deviceStatus(ago(3_600_000), now)).toBe("offline");
    expect(deviceStatus(null, now)).toBe("offline");
    expect(deviceStatus(ago(60_000), now, { ...DEFAULT_STATUS_THRESHOLDS, onlineMs: 30_000 })).toBe("stale");
  });

  it("uses the server's arrival time for last seen", () => {
    const readings = walker({ count: 3 }).map((r, i) => ({ ...r, receivedAt: [5, 9, 7][i] as number }));
    expect(lastSeen(readings)).toEqual(new Date(9));
    expect(lastSeen([])).toBeNull();
  });
});

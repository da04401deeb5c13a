import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HOUR_MS } from "../../../lib/aggregates";
import { createDbClient } from "../../../lib/db/create-client";
import type { DeviceHour } from "../../../lib/db/generated/client";
import type { SignedTelemetryMessage } from "../../../lib/ingest/message";
import { createHourlyProcessingJob, processHour } from "../../../lib/processing";
import { latestQuality } from "../../../lib/processing/latest-quality";
import { postTelemetry, registerDevices, signed, testHttpDeps, testPool, wire, type TestDevice } from "../ingest/helpers";

const db = createDbClient(inject("databaseUrl"));
let pool: pg.Pool;
let steady: TestDevice;
let teleporter: TestDevice;

// A finished hour well inside the ingest clock window (readings up to 24 h old are accepted).
const hourStart = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;
const hour = new Date(hourStart);
const BERLIN = { latE6: 52_520_000, lonE6: 13_405_000, accuracyCm: 500 };

// The job's clock: advanced past its 60 s pacing before every run. No arrival
// slack, so an hour is recomputed only when a row arrived after its computation.
let fakeNow = Date.now();
const logs: string[] = [];
const job = createHourlyProcessingJob({ clock: () => fakeNow, log: (line) => logs.push(line), lateSlackMs: 0 });
const signal = new AbortController().signal;

async function runJob(): Promise<void> {
  fakeNow += 61_000;
  await job.run({ db, signal });
}

async function post(messages: SignedTelemetryMessage[]): Promise<void> {
  const response = await postTelemetry(testHttpDeps(pool), wire(messages));
  expect(response.status).toBe(200);
  const body = (await response.json()) as { results: Array<{ status: string }> };
  expect(body.results.every((r) => r.status === "accepted")).toBe(true);
}

async function rowOf(device: TestDevice): Promise<DeviceHour> {
  return db.deviceHour.findUniqueOrThrow({ where: { device_hourStart: { device: device.address, hourStart: hour } } });
}

const withoutComputedAt = ({ computedAt: _computedAt, ...rest }: DeviceHour) => rest;

beforeAll(async () => {
  pool = testPool();
  [steady, teleporter] = (await registerDevices(2)) as [TestDevice, TestDevice];
  // Steady: every 30 s for minutes 0…58 (the reading of minute 59 comes late, below).
  const steadyMessages = [];
  for (let i = 0; i < 118; i++) {
    steadyMessages.push(
      await signed(steady, i + 1, { timestamp: hourStart + i * 30_000, temperatureCentiC: 2000 + (i % 7) * 10, position: { ...BERLIN, lonE6: BERLIN.lonE6 + i * 10 } }),
    );
  }
  // Teleporter: every 10 s for 10 min, jumps ~100 km north in 10 s after 5 min and stays there.
  const teleporterMessages = [];
  for (let i = 0; i < 60; i++) {
    const latE6 = BERLIN.latE6 + (i >= 30 ? 900_000 : 0) + i;
    teleporterMessages.push(await signed(teleporter, i + 1, { timestamp: hourStart + i * 10_000, position: { ...BERLIN, latE6 } }));
  }
  await post(steadyMessages);
  await post(teleporterMessages);
});

afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

describe("hourly processing job", () => {
  it("computes aggregates and quality for a finished hour", async () => {
    await runJob();
    expect(logs.some((line) => line.includes(hour.toISOString()) && line.includes("computed"))).toBe(true);

    const a = await rowOf(steady);
    expect(a).toMatchObject({ messageCount: 118, onlineMinutes: 59 });
    expect(a.sensors).toMatchObject({ temperature: { min: 20, max: 20.6, count: 118 } });
    expect(a.cellsR7.length).toBeGreaterThan(0);
    expect(a.cellsR8.length).toBeGreaterThanOrEqual(a.cellsR7.length);
    expect(a.distanceMeters).toBeGreaterThan(0);

    const b = await rowOf(teleporter);
    expect(b).toMatchObject({ messageCount: 60, onlineMinutes: 10 });
    const findings = b.findings as Array<{ check: string; reason: string; at: string }>;
    const teleports = findings.filter((f) => f.check === "impossible-speed");
    expect(teleports).toHaveLength(1);
    expect(teleports[0]?.reason).toMatch(/moved 10\d km in 10 s/);
    expect(teleports[0]?.at).toBe(new Date(hourStart + 30 * 10_000).toISOString());
    // The jump is not travelled distance, and it costs points.
    expect(b.distanceMeters).toBeLessThan(1_000);
    expect(b.qualityScore).toBeLessThanOrEqual(85);

    // What the device page shows: the newest hour's score and its reasons.
    const shown = await latestQuality(db, teleporter.address);
    expect(shown).toMatchObject({ score: b.qualityScore, messageCount: 60, onlineMinutes: 10 });
    expect(shown?.findings.map((f) => f.check)).toContain("impossible-speed");
    expect(await latestQuality(db, "0x00000000000000000000000000000000000000ff")).toBeNull();
  });

  it("is idempotent: running again and recomputing give identical rows", async () => {
    const before = await Promise.all([rowOf(steady), rowOf(teleporter)]);
    await runJob(); // nothing new arrived: the hour is left alone
    expect(await Promise.all([rowOf(steady), rowOf(teleporter)])).toEqual(before);

    expect(await processHour(db, hour)).toMatchObject({ status: "done" });
    const first = await db.deviceHour.findMany({ where: { hourStart: hour }, orderBy: { device: "asc" } });
    expect(await processHour(db, hour)).toMatchObject({ status: "done" });
    const second = await db.deviceHour.findMany({ where: { hourStart: hour }, orderBy: { device: "asc" } });
    expect(second.map(withoutComputedAt)).toEqual(first.map(withoutComputedAt));
  });

  it("skips an hour another worker is computing", async () => {
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x4a66}::int4, ${hourStart / HOUR_MS}::int4)`;
      expect(await processHour(db, hour)).toEqual({ status: "locked" });
    });
  });

  it("recomputes an hour when a late message for it arrives", async () => {
    const before = await rowOf(steady);
    await runJob();
    expect(await rowOf(steady)).toEqual(before);
    await post([await signed(steady, 119, { timestamp: hourStart + 59 * 60_000 + 30_000, temperatureCentiC: 2100, position: BERLIN })]);
    await runJob();
    const after = await rowOf(steady);
    expect(after).toMatchObject({ messageCount: 119, onlineMinutes: 60 });
    expect(after.sensors).toMatchObject({ temperature: { max: 21, count: 119 } });
    expect(after.computedAt.getTime()).toBeGreaterThan(before.computedAt.getTime());
    // The other device of the hour is recomputed too, with the same result.
    expect(await rowOf(teleporter)).toMatchObject({ messageCount: 60, onlineMinutes: 10 });
  });
});

/**
 * Fleet table at scale: one project with --devices devices (default 10,000),
 * each with a last-seen row, metadata and --hours scored hours, then the
 * fleet queries the admin page makes (first page, sorted by quality or by
 * earnings, filtered, searched, a deep page) and the streamed CSV export. Two
 * finalized reward epochs pay every device (the table reads the latest); every
 * device has a map position (the health page's fleet map).
 * Prints figures only.
 *
 *   npx tsx --conditions=react-server scripts/bench-fleet.ts [-- --devices 10000 --hours 24]
 *
 * Uses a throwaway embedded PostgreSQL unless DATABASE_URL is set.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { fleetCsvStream, fleetPage } from "../lib/admin/fleet";
import { fleetMapData } from "../lib/admin/fleet-map";
import { parseFleetQuery } from "../lib/admin/fleet-query";
import { fleetHealth } from "../lib/admin/health";
import { createDbClient } from "../lib/db/create-client";
import { startEphemeralPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";

const { values } = parseArgs({ options: { devices: { type: "string", default: "10000" }, hours: { type: "string", default: "24" }, runs: { type: "string", default: "5" } } });
const deviceCount = Number(values.devices);
const hours = Number(values.hours);
const runs = Number(values.runs);

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL ? null : await startEphemeralPostgres();
  const url = process.env.DATABASE_URL ?? server!.url;
  if (server) await applyMigrations(url);
  const db = createDbClient(url);
  try {
    const now = new Date();
    const project = await db.project.create({ data: { chainId: 31337, onchainId: BigInt(Date.now()), slug: `bench-${Date.now()}`, name: "Bench", adminAddress: "0x0000000000000000000000000000000000000001" } });
    const addresses = Array.from({ length: deviceCount }, () => `0x${randomBytes(20).toString("hex")}`);
    const seedStart = performance.now();
    for (let i = 0; i < addresses.length; i += 5_000) {
      const batch = addresses.slice(i, i + 5_000);
      await db.device.createMany({ data: batch.map((address, j) => ({ address, projectId: project.id, model: "AQ v2", active: (i + j) % 50 !== 0, ownerAddress: (i + j) % 3 === 0 ? "0x00000000000000000000000000000000000000aa" : null })) });
      await db.adminDeviceMetadata.createMany({ data: batch.map((address, j) => ({ address, projectId: project.id, model: "AQ v2", serial: `SN-${i + j}`, firmware: (i + j) % 4 === 0 ? "1.1.0" : "1.0.0", uploadedBy: "0x0000000000000000000000000000000000000001" })) });
      await db.$executeRaw`INSERT INTO ingest.device_state (device, last_seen_at, message_count)
        SELECT decode(substr(a, 3), 'hex'), now() - (random() * interval '3 hours'), 1 FROM unnest(${batch}::text[]) AS a`;
      await db.$executeRaw`INSERT INTO "DeviceHour" (device, "hourStart", "messageCount", "onlineMinutes", "distanceMeters", "cellsR7", "cellsR8", sensors, "qualityScore", findings, "computedAt")
        SELECT a, date_trunc('hour', now()) - h * interval '1 hour', 60, 60, 0, '{}', '{}', jsonb_build_object('battery', jsonb_build_object('mean', 100 * random())), (100 * random())::int, '[]', now()
        FROM unnest(${batch}::text[]) AS a, generate_series(1, ${hours}) AS h`;
    }
    // Two finalized epochs paying every device: the table must read the latest one's cumulative amounts.
    const policy = await db.rewardPolicy.create({ data: { projectId: project.id, version: 1, basePerMinute: "1000", minQualityMultiplierBps: 0, coverageBonusBps: 0, demandBonusBps: 0, epochBudget: "1000000000", policyHash: "1" } });
    for (const epoch of [1, 2]) {
      const row = await db.rewardEpoch.create({
        data: { projectId: project.id, epoch, windowStart: new Date(epoch * 1000), windowEnd: new Date((epoch + 1) * 1000), policyId: policy.id, status: "confirmed", deviceCount, batchCount: Math.ceil(deviceCount / 16), rawTotal: "0", paidTotal: "0", scaled: false, inputs: {} },
      });
      await db.$executeRaw`INSERT INTO "RewardDeviceEpoch" ("epochId", device, slot, "onlineMinutes", "qualityScore", underserved, "inDemand", active, "qualityMultiplierBps", "bonusBps", raw, amount, cumulative, "merkleProof")
        SELECT ${row.id}, a, n - 1, 60, 80, false, false, true, 8000, 10000, (random() * 1e18)::numeric(78,0), (random() * 1e18)::numeric(78,0), (random() * 1e19 * ${epoch})::numeric(78,0), '[]'
        FROM unnest(${addresses}::text[]) WITH ORDINALITY AS t(a, n)`;
    }
    // Map positions for the health page's fleet map.
    await db.$executeRaw`INSERT INTO map_device (device, "projectId", lat, lon, "cellR7", "publicLat", "publicLon", "cellR2", "cellR3", "cellR4", "cellR5", "cellR6", "lastSeenAt", "measuredAt", "qualityScore", "updatedAt")
      SELECT a, ${project.id}, 52 + random(), 13 + random(), 'c', 52, 13, 'c2', 'c3', 'c4', 'c5', 'c6', now() - random() * interval '3 hours', now(), (100 * random())::int, now()
      FROM unnest(${addresses}::text[]) AS a`;
    await db.$executeRaw`ANALYZE`;
    console.log(`seeded ${deviceCount} devices × ${hours} hours in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const cases: Record<string, Record<string, string>> = {
      "first page (100, by address)": {},
      "sorted by quality desc (500)": { sort: "quality", dir: "desc", pageSize: "500" },
      "sorted by earnings desc (100)": { sort: "earnings", dir: "desc" },
      "sorted by earnings asc, page 20": { sort: "earnings", page: "20" },
      "sorted by last seen, page 50": { sort: "lastSeen", page: "50" },
      "filter online + firmware 1.1.0": { status: "online", firmware: "1.1.0" },
      "filter battery < 20, claimed": { batteryBelow: "20", claimed: "true" },
      "search serial 'SN-12'": { q: "SN-12" },
    };
    for (const [name, params] of Object.entries(cases)) {
      const query = parseFleetQuery(params);
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        total = (await fleetPage(db, project.id, query, now)).total;
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      console.log(`${name.padEnd(34)} median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (${total} matching)`);
    }
    let start = performance.now();
    const csv = await new Response(fleetCsvStream(db, project.id, parseFleetQuery({}), { now })).text();
    console.log(`CSV export of ${deviceCount} devices: ${(performance.now() - start).toFixed(0)} ms, ${(csv.length / 1024).toFixed(0)} KiB`);
    start = performance.now();
    await fleetHealth(db, project.id, { hours: 48, now });
    console.log(`health (48 hours): ${(performance.now() - start).toFixed(0)} ms`);
    const mapTimes: number[] = [];
    let drawn = 0;
    for (let i = 0; i < runs; i++) {
      start = performance.now();
      drawn = (await fleetMapData(db, project.id, "0x0000000000000000000000000000000000000001", now)).points.length;
      mapTimes.push(performance.now() - start);
    }
    mapTimes.sort((a, b) => a - b);
    console.log(`fleet map (exact positions, ${drawn} devices): median ${mapTimes[Math.floor(mapTimes.length / 2)]!.toFixed(1)} ms`);
  } finally {
    await db.$disconnect();
    await server?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

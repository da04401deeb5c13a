import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { refreshMapDevices } from "../../../lib/map/refresh";
import { postTelemetry, registerDevices, signed, testHttpDeps, testPool, wire } from "../ingest/helpers";

const db = createDbClient(inject("databaseUrl"));
let pool: pg.Pool;
let slowPool: pg.Pool;

beforeAll(() => {
  pool = testPool();
  slowPool = testPool();
});

afterAll(async () => {
  await pool.end();
  await slowPool.end();
  await db.$disconnect();
});

/** The pool as ingest sees it, except that every COMMIT first waits for `beforeCommit`. */
function gatedPool(base: pg.Pool, beforeCommit: () => Promise<void>): pg.Pool {
  const gated = Object.create(base) as pg.Pool;
  // pg's Pool.query checks a client out through this.connect(callback): keep that path ungated.
  gated.query = base.query.bind(base) as typeof base.query;
  gated.connect = (async () => {
    const client = await base.connect();
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    client.query = (async (...args: unknown[]) => {
      if (args[0] === "COMMIT") await beforeCommit();
      return query(...args);
    }) as typeof client.query;
    return client;
  }) as typeof base.connect;
  return gated;
}

async function refreshUntilIdle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const result = await refreshMapDevices(db);
    if (result.status === "done" && result.devices === 0) return;
  }
}

describe("map refresh cursor", () => {
  it("folds an ingest batch that started before another one but committed after it", async () => {
    const [early, late] = await registerDevices(2);
    let reachedCommit!: () => void;
    const atCommit = new Promise<void>((resolve) => (reachedCommit = resolve));
    let releaseCommit!: () => void;
    const commitReleased = new Promise<void>((resolve) => (releaseCommit = resolve));

    // The early batch has written its device_state row (last_seen_at = its transaction's now())
    // and waits before COMMIT, while the late batch commits and the map job folds it.
    const earlyPost = postTelemetry(
      testHttpDeps(gatedPool(slowPool, async () => { reachedCommit(); await commitReleased; })),
      wire([await signed(early!, 1, { position: { latE6: 10_000_000, lonE6: 20_000_000, accuracyCm: 300 } })]),
    );
    await atCommit;
    const latePost = await postTelemetry(testHttpDeps(pool), wire([await signed(late!, 1, { position: { latE6: 10_100_000, lonE6: 20_100_000, accuracyCm: 300 } })]));
    expect(latePost.status).toBe(200);
    await refreshUntilIdle();

    releaseCommit();
    expect((await earlyPost).status).toBe(200);
    await refreshUntilIdle();

    const folded = await db.mapDevice.findMany({ where: { device: { in: [early!.address, late!.address] } }, select: { device: true } });
    expect(folded.map((row) => row.device).sort()).toEqual([early!.address, late!.address].sort());
  });
});

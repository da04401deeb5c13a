import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { createAuthCleanupJob } from "../../../lib/auth/cleanup";
import { createDbClient } from "../../../lib/db/create-client";

const db = createDbClient(inject("databaseUrl"));
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  await db.authNonce.deleteMany({ where: { nonce: { startsWith: "cleanup-" } } });
  await db.session.deleteMany({ where: { id: { startsWith: "cleanup-" } } });
});
afterAll(() => db.$disconnect());

test("deletes only nonces and sessions past retention", async () => {
  const now = Date.now();
  const at = (offset: number) => new Date(now + offset);
  await db.authNonce.createMany({
    data: [
      { nonce: "cleanup-old", expiresAt: at(-2 * DAY) },
      { nonce: "cleanup-recent", expiresAt: at(-60_000) },
      { nonce: "cleanup-live", expiresAt: at(60_000) },
    ],
  });
  const session = { address: "0x0000000000000000000000000000000000000001", chainId: 31337 };
  await db.session.createMany({
    data: [
      { id: "cleanup-expired", ...session, expiresAt: at(-2 * DAY) },
      { id: "cleanup-revoked", ...session, expiresAt: at(DAY), revokedAt: at(-2 * DAY) },
      { id: "cleanup-live", ...session, expiresAt: at(DAY) },
    ],
  });

  const job = createAuthCleanupJob(() => now);
  await job.run({ db, signal: new AbortController().signal });

  const nonces = await db.authNonce.findMany({ where: { nonce: { startsWith: "cleanup-" } }, orderBy: { nonce: "asc" } });
  expect(nonces.map((n) => n.nonce)).toEqual(["cleanup-live", "cleanup-recent"]);
  const sessions = await db.session.findMany({ where: { id: { startsWith: "cleanup-" } } });
  expect(sessions.map((s) => s.id)).toEqual(["cleanup-live"]);
});

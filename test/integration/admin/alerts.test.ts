import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hexToBytes, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { saveAlertSettings } from "@/lib/admin/alert-settings";
import { acknowledgeAlert, deliverWebhooks, evaluateAlerts, projectAlerts } from "@/lib/admin/alerts";
import { verifyWebhook } from "@/lib/admin/webhook-signature";
import { createDbClient, type PrismaClient } from "@/lib/db/create-client";

let db: PrismaClient;
let server: Server;
let hookUrl: string;
const received: Array<{ body: string; signature: string }> = [];
let failNext = 0;
const admin = privateKeyToAccount(generatePrivateKey()).address;
const devices: Address[] = Array.from({ length: 4 }, () => privateKeyToAccount(generatePrivateKey()).address);
const now = new Date("2026-11-21T12:30:00Z");
let projectId: number;
let secret: string;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  db = createDbClient(inject("databaseUrl"));
  // Alerts are global across projects: start from none so counts are this file's.
  await db.adminWebhookDelivery.deleteMany();
  await db.adminAlert.deleteMany();
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      if (failNext > 0) {
        failNext--;
        response.writeHead(503).end();
        return;
      }
      received.push({ body, signature: String(request.headers["x-depinhub-signature"]) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  const suffix = Date.now();
  projectId = (await db.project.create({ data: { chainId: 31337, onchainId: BigInt(600_000 + (suffix % 100_000)), slug: `alerts-${suffix}`, name: "Alerts", adminAddress: admin } })).id;
  await db.device.createMany({ data: devices.map((address) => ({ address: address.toLowerCase(), projectId, model: "AQ" })) });
  secret = (await saveAlertSettings(db, projectId, admin, { offlineMinutes: 30, qualityBelow: 60, batteryBelow: 20, webhookUrl: hookUrl, rotateSecret: false })).newSecret!;
  // Device 0: offline (seen 2 h ago). 1: quality 40. 2: battery 10 %. 3: impossible speed (spoofing), otherwise fine.
  const seen = [new Date(now.getTime() - 7_200_000), now, now, now];
  for (const [i, device] of devices.entries()) {
    await db.$executeRaw`INSERT INTO ingest.device_state (device, last_seen_at, message_count) VALUES (${Buffer.from(hexToBytes(device))}, ${seen[i]}, 1)`;
    await db.deviceHour.create({
      data: {
        device: device.toLowerCase(),
        hourStart: new Date("2026-11-21T11:00:00Z"),
        messageCount: 60,
        onlineMinutes: 60,
        distanceMeters: 0,
        cellsR7: [],
        cellsR8: [],
        sensors: { battery: { min: 0, mean: i === 2 ? 10 : 90, max: 100, count: 60 } },
        qualityScore: i === 1 ? 40 : 95,
        findings: i === 3 ? [{ check: "impossible-speed", severity: "critical", penalty: 30, reason: "x", at: now.toISOString() }] : [],
        computedAt: now,
      },
    });
  }
});

afterAll(async () => {
  await db.$disconnect();
  await new Promise((resolve) => server.close(resolve));
});

describe("alert evaluation", () => {
  it("opens one alert per condition, exactly once however many workers evaluate at the same time", async () => {
    const results = await Promise.all([evaluateAlerts(db, now), evaluateAlerts(db, now), evaluateAlerts(db, now)]);
    // Other files' devices are evaluated too (alerts cover every project): compare with the table, not a constant.
    const opened = results.reduce((sum, result) => sum + (result?.opened ?? 0), 0);
    expect(opened).toBe(await db.adminAlert.count());
    expect(await evaluateAlerts(db, now)).toEqual({ opened: 0, resolved: 0 });
    const alerts = await projectAlerts(db, projectId);
    expect(alerts.map((a) => [devices.findIndex((d) => d.toLowerCase() === a.device), a.kind]).sort()).toEqual([
      [0, "offline"],
      [1, "quality_drop"],
      [2, "battery_low"],
      [3, "spoofing"],
    ]);
    expect(await db.adminWebhookDelivery.count({ where: { projectId } })).toBe(4);
  });

  it("delivers signed webhooks, retrying a failed call with backoff", async () => {
    failNext = 1;
    const first = await deliverWebhooks(db, { now });
    expect(first.delivered).toBe(3);
    const retry = await db.adminWebhookDelivery.findFirstOrThrow({ where: { projectId, deliveredAt: null } });
    expect(retry).toMatchObject({ attempts: 1, lastError: "HTTP 503" });
    expect(retry.nextAttemptAt.getTime() - now.getTime()).toBe(30_000);
    // Not due yet: nothing sent.
    expect((await deliverWebhooks(db, { now })).delivered).toBe(0);
    expect((await deliverWebhooks(db, { now: new Date(now.getTime() + 30_000) })).delivered).toBe(1);
    expect(received).toHaveLength(4);
    for (const call of received) expect(verifyWebhook(secret, call.body, call.signature, Math.floor(now.getTime() / 1000) + 30)).toBe(true);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ event: "alert.opened", alert: { kind: expect.any(String) } });
  });

  it("resolves an alert when its condition clears and tells the webhook", async () => {
    await db.$executeRaw`UPDATE ingest.device_state SET last_seen_at = ${now} WHERE device = ${Buffer.from(hexToBytes(devices[0]!))}`;
    expect(await evaluateAlerts(db, now)).toEqual({ opened: 0, resolved: 1 });
    await deliverWebhooks(db, { now: new Date(now.getTime() + 60_000) });
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ event: "alert.resolved", alert: { kind: "offline", device: devices[0]!.toLowerCase() } });
  });

  it("acknowledges an alert of the project only", async () => {
    const [open] = (await projectAlerts(db, projectId)).filter((a) => !a.resolvedAt);
    expect(await acknowledgeAlert(db, projectId + 1_000_000, BigInt(open!.id), admin)).toBe(false);
    expect(await acknowledgeAlert(db, projectId, BigInt(open!.id), admin)).toBe(true);
    expect(await acknowledgeAlert(db, projectId, BigInt(open!.id), admin)).toBe(false);
    expect((await projectAlerts(db, projectId)).find((a) => a.id === open!.id)).toMatchObject({ acknowledgedBy: admin });
  });
});

import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { WorkerJob } from "@/lib/worker/loop";
import { serverEnv } from "@/lib/config/env";
import { guardedWebhookFetch } from "./webhook-fetch";
import { webhookTargetPolicy } from "./webhook-url";
import { backoffSeconds, MAX_DELIVERY_ATTEMPTS, signWebhook } from "./webhook-signature";

export const ALERT_KINDS = ["offline", "quality_drop", "battery_low", "spoofing"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Quality findings that mean the data is likely not from where or what the device claims. */
const SPOOFING_CHECKS = ["shared-position", "impossible-speed"];
/** Any key fits: it only has to be the same in every worker. */
const ALERTS_LOCK_KEY = 0x41_4c_52_54; // "ALRT"

interface Condition {
  project_id: number;
  device: string;
  kind: AlertKind;
  message: string;
}

/**
 * Opens an alert for every device condition that holds now and has no open
 * alert, and resolves open alerts whose condition cleared. Exactly once across
 * workers: one evaluation at a time (transaction-scoped advisory lock, others
 * skip the tick), and the unique openKey makes a duplicate open impossible
 * even without the lock. Each opened/resolved alert of a project with a
 * webhook gets one delivery row in the same transaction.
 */
export async function evaluateAlerts(db: PrismaClient, now = new Date()): Promise<{ opened: number; resolved: number } | null> {
  return db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${ALERTS_LOCK_KEY}) AS locked`;
    if (!lock?.locked) return null;
    const conditions = await tx.$queryRaw<Condition[]>`
      WITH settings AS (
        SELECT p.id AS project_id, COALESCE(s."offlineMinutes", 60) AS offline_minutes, COALESCE(s."qualityBelow", 50) AS quality_below, COALESCE(s."batteryBelow", 20) AS battery_below
        FROM "Project" p LEFT JOIN "AdminAlertSettings" s ON s."projectId" = p.id
      ),
      fleet AS (
        SELECT d.address, d."projectId" AS project_id, st.last_seen_at, q."qualityScore" AS quality, (q.sensors -> 'battery' ->> 'mean')::float8 AS battery, q.findings,
               settings.offline_minutes, settings.quality_below, settings.battery_below
        FROM "Device" d
        JOIN settings ON settings.project_id = d."projectId"
        LEFT JOIN ingest.device_state st ON st.device = decode(substr(d.address, 3), 'hex')
        LEFT JOIN LATERAL (SELECT h."qualityScore", h.sensors, h.findings FROM "DeviceHour" h WHERE h.device = d.address ORDER BY h."hourStart" DESC LIMIT 1) q ON true
        WHERE d.active
      )
      SELECT project_id, address AS device, 'offline' AS kind, 'No data for more than ' || offline_minutes || ' minutes' AS message FROM fleet
        WHERE last_seen_at IS NOT NULL AND last_seen_at < ${now}::timestamptz - make_interval(mins => offline_minutes)
      UNION ALL
      SELECT project_id, address, 'quality_drop', 'Quality score ' || quality || ' is below ' || quality_below FROM fleet WHERE quality < quality_below
      UNION ALL
      SELECT project_id, address, 'battery_low', 'Battery at ' || round(battery) || '% (below ' || battery_below || '%)' FROM fleet WHERE battery < battery_below
      UNION ALL
      SELECT project_id, address, 'spoofing', 'Suspected spoofing: ' || (
          SELECT string_agg(DISTINCT f ->> 'check', ', ') FROM jsonb_array_elements(findings) f WHERE f ->> 'check' = ANY(${SPOOFING_CHECKS}))
        FROM fleet WHERE jsonb_typeof(findings) = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(findings) f WHERE f ->> 'check' = ANY(${SPOOFING_CHECKS}))`;

    const rows = conditions.map((c) => ({ ...c, open_key: `${c.kind}:${c.device}` }));
    const opened = await tx.$queryRaw<Array<{ id: bigint; projectId: number; device: string; kind: string; message: string; openedAt: Date }>>`
      INSERT INTO "AdminAlert" ("projectId", device, kind, message, "openedAt", "openKey")
      SELECT r.project_id, r.device, r.kind, r.message, ${now}, r.open_key
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(project_id int, device text, kind text, message text, open_key text)
      ON CONFLICT ("openKey") DO NOTHING
      RETURNING id, "projectId", device, kind, message, "openedAt"`;
    const resolved = await tx.$queryRaw<Array<{ id: bigint; projectId: number; device: string; kind: string; message: string; openedAt: Date }>>`
      UPDATE "AdminAlert" SET "resolvedAt" = ${now}, "openKey" = NULL
      WHERE "openKey" IS NOT NULL AND NOT ("openKey" = ANY(${rows.map((r) => r.open_key)}::text[]))
      RETURNING id, "projectId", device, kind, message, "openedAt"`;

    const hooked = new Set(
      (await tx.adminAlertSettings.findMany({ where: { projectId: { in: [...new Set([...opened, ...resolved].map((a) => a.projectId))] }, webhookUrl: { not: null } }, select: { projectId: true } })).map((s) => s.projectId),
    );
    const deliveries = [
      ...opened.map((alert) => ({ alert, event: "alert.opened" })),
      ...resolved.map((alert) => ({ alert, event: "alert.resolved" })),
    ].filter(({ alert }) => hooked.has(alert.projectId));
    if (deliveries.length > 0) {
      await tx.adminWebhookDelivery.createMany({
        data: deliveries.map(({ alert, event }) => ({
          projectId: alert.projectId,
          alertId: alert.id,
          event,
          payload: { event, alert: { id: String(alert.id), device: alert.device, kind: alert.kind, message: alert.message, openedAt: alert.openedAt.toISOString(), resolvedAt: event === "alert.resolved" ? now.toISOString() : null } },
          nextAttemptAt: now,
        })),
        skipDuplicates: true,
      });
    }
    return { opened: opened.length, resolved: resolved.length };
  });
}

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Sends due webhook deliveries. Rows are claimed with FOR UPDATE SKIP LOCKED,
 * so several workers share the queue without sending one twice. By default
 * every send re-checks the URL and connects to public addresses only.
 */
export async function deliverWebhooks(db: PrismaClient, { now = new Date(), limit = 20, fetchImpl = guardedWebhookFetch(webhookTargetPolicy(serverEnv())) as Fetch, timeoutMs = 5_000 } = {}): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  await db.$transaction(
    async (tx) => {
      const due = await tx.$queryRaw<Array<{ id: bigint; projectId: number; payload: unknown; attempts: number }>>`
        SELECT id, "projectId", payload, attempts FROM "AdminWebhookDelivery"
        WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "nextAttemptAt" <= ${now}
        ORDER BY "nextAttemptAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return;
      const settings = new Map((await tx.adminAlertSettings.findMany({ where: { projectId: { in: due.map((d) => d.projectId) } } })).map((s) => [s.projectId, s]));
      for (const delivery of due) {
        const target = settings.get(delivery.projectId);
        const attempts = delivery.attempts + 1;
        let error: string | null = null;
        if (!target?.webhookUrl || !target.webhookSecret) {
          error = "The project no longer has a webhook.";
        } else {
          const body = JSON.stringify({ id: String(delivery.id), ...(delivery.payload as object) });
          try {
            const response = await fetchImpl(target.webhookUrl, {
              method: "POST",
              headers: { "Content-Type": "application/json", "X-DepinHub-Signature": signWebhook(target.webhookSecret, body, Math.floor(now.getTime() / 1000)), "X-DepinHub-Delivery": String(delivery.id) },
              body,
              redirect: "manual",
              signal: AbortSignal.timeout(timeoutMs),
            });
            if (!response.ok) error = `HTTP ${response.status}`;
          } catch (cause) {
            error = cause instanceof Error ? cause.message.slice(0, 200) : "request failed";
          }
        }
        if (error === null) {
          delivered++;
          await tx.adminWebhookDelivery.update({ where: { id: delivery.id }, data: { attempts, deliveredAt: now, lastError: null } });
        } else {
          const giveUp = attempts >= MAX_DELIVERY_ATTEMPTS || !target?.webhookUrl;
          if (giveUp) failed++;
          await tx.adminWebhookDelivery.update({
            where: { id: delivery.id },
            data: { attempts, lastError: error, ...(giveUp ? { failedAt: now } : { nextAttemptAt: new Date(now.getTime() + backoffSeconds(attempts) * 1000) }) },
          });
        }
      }
    },
    { timeout: limit * 6_000 + 5_000 },
  );
  return { delivered, failed };
}

/** Worker job: evaluate alerts at most once a minute, deliver webhooks every tick. */
export function createAlertsJob({ everyMs = 60_000 } = {}): WorkerJob {
  let lastEvaluation = 0;
  return {
    name: "admin-alerts",
    async run({ db }) {
      if (Date.now() - lastEvaluation >= everyMs) {
        lastEvaluation = Date.now();
        await evaluateAlerts(db);
      }
      await deliverWebhooks(db);
    },
  };
}

export interface AlertView {
  id: string;
  device: string;
  kind: string;
  message: string;
  openedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export async function projectAlerts(db: PrismaClient, projectId: number, limit = 200): Promise<AlertView[]> {
  const rows = await db.adminAlert.findMany({ where: { projectId }, orderBy: [{ resolvedAt: { sort: "desc", nulls: "first" } }, { openedAt: "desc" }], take: limit });
  return rows.map((row) => ({
    id: String(row.id),
    device: row.device,
    kind: row.kind,
    message: row.message,
    openedAt: row.openedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: row.acknowledgedBy,
  }));
}

/** Acknowledges one of the project's alerts; an id from another project matches nothing (same answer as unknown). */
export async function acknowledgeAlert(db: PrismaClient, projectId: number, alertId: bigint, actor: string, now = new Date()): Promise<boolean> {
  const { count } = await db.adminAlert.updateMany({ where: { id: alertId, projectId, acknowledgedAt: null }, data: { acknowledgedAt: now, acknowledgedBy: actor } });
  return count === 1;
}

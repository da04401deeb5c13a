import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { serverEnv } from "@/lib/config/env";
import { DomainError } from "@/lib/http/errors";
import { recordAdminAction } from "./audit";
import { resolvedAddressRefusal } from "./webhook-fetch";
import { checkWebhookUrl, webhookTargetPolicy } from "./webhook-url";

/**
 * Webhooks go to public https URLs without credentials (lib/admin/webhook-url.ts); anything else is refused at the
 * boundary. The addresses are checked again at every send, after DNS resolution (lib/admin/webhook-fetch.ts).
 */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .superRefine((value, ctx) => {
    const checked = checkWebhookUrl(value, webhookTargetPolicy(serverEnv()));
    if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.reason });
  });

export const alertSettingsSchema = z.object({
  offlineMinutes: z.number().int().min(5).max(10_080),
  qualityBelow: z.number().int().min(0).max(100),
  batteryBelow: z.number().int().min(0).max(100),
  webhookUrl: webhookUrlSchema.nullable(),
  /** Make a new signing secret (and show it once); the first webhook always gets one. */
  rotateSecret: z.boolean().default(false),
});

export interface AlertSettingsView {
  offlineMinutes: number;
  qualityBelow: number;
  batteryBelow: number;
  webhookUrl: string | null;
  hasSecret: boolean;
}

export async function alertSettings(db: PrismaClient, projectId: number): Promise<AlertSettingsView> {
  const row = await db.adminAlertSettings.findUnique({ where: { projectId } });
  return { offlineMinutes: row?.offlineMinutes ?? 60, qualityBelow: row?.qualityBelow ?? 50, batteryBelow: row?.batteryBelow ?? 20, webhookUrl: row?.webhookUrl ?? null, hasSecret: !!row?.webhookSecret };
}

/** Saves thresholds and webhook; returns the new secret only when one was generated (its one and only showing). */
export async function saveAlertSettings(db: PrismaClient, projectId: number, actor: string, input: z.output<typeof alertSettingsSchema>): Promise<{ settings: AlertSettingsView; newSecret: string | null }> {
  if (input.webhookUrl) {
    const refusal = await resolvedAddressRefusal(input.webhookUrl, webhookTargetPolicy(serverEnv()));
    if (refusal) throw new DomainError("webhook_url_refused", `The webhook URL ${refusal}.`, 400);
  }
  const existing = await db.adminAlertSettings.findUnique({ where: { projectId } });
  const newSecret = input.webhookUrl && (input.rotateSecret || !existing?.webhookSecret) ? `whsec_${randomBytes(32).toString("base64url")}` : null;
  const data = {
    offlineMinutes: input.offlineMinutes,
    qualityBelow: input.qualityBelow,
    batteryBelow: input.batteryBelow,
    webhookUrl: input.webhookUrl,
    webhookSecret: input.webhookUrl ? (newSecret ?? existing?.webhookSecret ?? null) : null,
  };
  await db.adminAlertSettings.upsert({ where: { projectId }, create: { projectId, ...data }, update: data });
  await recordAdminAction(db, { projectId, actor, action: "alerts.settings", details: { offlineMinutes: input.offlineMinutes, qualityBelow: input.qualityBelow, batteryBelow: input.batteryBelow, webhook: input.webhookUrl !== null, rotatedSecret: newSecret !== null } });
  return { settings: await alertSettings(db, projectId), newSecret };
}

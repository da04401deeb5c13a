import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { recordAdminAction } from "./audit";

/** Webhooks go to http(s) URLs without credentials; anything else is refused at the boundary. */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .refine((value) => {
    const url = new URL(value);
    return url.username === "" && url.password === "";
  }, "must not contain credentials");

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

import "server-only";
import type { Address } from "viem";
import { z } from "zod";
import type { PrismaClient } from "../db/generated/client";

const storedFindings = z.array(z.object({ check: z.string(), severity: z.string(), penalty: z.number(), reason: z.string(), at: z.string() }));

export interface LatestQuality {
  hourStart: Date;
  score: number;
  messageCount: number;
  onlineMinutes: number;
  findings: z.infer<typeof storedFindings>;
}

/** The device's most recent computed hour: its quality score and the reasons behind it. */
export async function latestQuality(db: PrismaClient, device: Address): Promise<LatestQuality | null> {
  const row = await db.deviceHour.findFirst({ where: { device: device.toLowerCase() }, orderBy: { hourStart: "desc" } });
  if (!row) return null;
  return {
    hourStart: row.hourStart,
    score: row.qualityScore,
    messageCount: row.messageCount,
    onlineMinutes: row.onlineMinutes,
    // Written by compute-hour.ts; parsed so a shape change shows up as an error, not as a broken page.
    findings: storedFindings.parse(row.findings),
  };
}

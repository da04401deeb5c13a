import "server-only";
import { z } from "zod";
import type { PrismaClient, RewardPolicy } from "../db/generated/client";
import { policyHash } from "../proofs/tree";
import { validatePolicy, type RewardPolicyParams } from "./policy";

const uintString = z.string().regex(/^\d{1,40}$/, "must be a non-negative integer in decimal");

/** A new policy version as an admin submits it (the version number is assigned). */
export const policyInputSchema = z.object({
  basePerMinute: uintString,
  minQualityMultiplierBps: z.number().int().min(0).max(10_000),
  coverageBonusBps: z.number().int().min(0).max(65_535),
  demandBonusBps: z.number().int().min(0).max(65_535),
  epochBudget: uintString,
});
export type PolicyInput = z.infer<typeof policyInputSchema>;

/** A policy as published (public API): every parameter and its hash, amounts as decimal strings. */
export interface PublishedPolicy {
  version: number;
  basePerMinute: string;
  minQualityMultiplierBps: number;
  coverageBonusBps: number;
  demandBonusBps: number;
  epochBudget: string;
  policyHash: string;
  createdAt: string;
}

/** Stores the next version of the project's policy. Versions are immutable: epochs refer to the one they used. */
export async function publishPolicy(db: PrismaClient, projectId: number, input: PolicyInput): Promise<RewardPolicy> {
  const parsed = policyInputSchema.parse(input);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('reward-policy'), ${projectId})`;
    const last = await tx.rewardPolicy.findFirst({ where: { projectId }, orderBy: { version: "desc" }, select: { version: true } });
    const params: RewardPolicyParams = {
      ...parsed,
      version: (last?.version ?? 0) + 1,
      basePerMinute: BigInt(parsed.basePerMinute),
      epochBudget: BigInt(parsed.epochBudget),
    };
    validatePolicy(params);
    return tx.rewardPolicy.create({
      data: { projectId, ...parsed, version: params.version, policyHash: policyHash(params).toString() },
    });
  });
}

export async function publishedPolicies(db: PrismaClient, projectId: number): Promise<PublishedPolicy[]> {
  const rows = await db.rewardPolicy.findMany({ where: { projectId }, orderBy: { version: "asc" } });
  return rows.map((row) => ({
    version: row.version,
    basePerMinute: row.basePerMinute.toFixed(0),
    minQualityMultiplierBps: row.minQualityMultiplierBps,
    coverageBonusBps: row.coverageBonusBps,
    demandBonusBps: row.demandBonusBps,
    epochBudget: row.epochBudget.toFixed(0),
    policyHash: row.policyHash,
    createdAt: row.createdAt.toISOString(),
  }));
}

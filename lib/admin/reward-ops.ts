import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError, NotFoundError } from "@/lib/http/errors";
import type { EpochInputsDocument } from "@/lib/rewards/epoch";
import { policyInputSchema, publishPolicy, type PolicyInput } from "@/lib/rewards/policies";
import { policyFromPublished, RewardPolicyError, type RewardPolicyParams } from "@/lib/rewards/policy";
import { PREVIEW_SORTS, previewPolicy, sortPreviewRows, type PreviewTotals } from "@/lib/rewards/preview";
import { upcomingEpoch, type UpcomingEpoch } from "@/lib/rewards/readiness";
import { recordAdminAction } from "./audit";
import { epochErrorForDisplay } from "./epoch-error";

/**
 * Rewards operations for a project's admins: preview a draft policy over the last epoch's real inputs, publish it,
 * watch the epoch pipeline and re-run a failed epoch. The policy arithmetic stays in lib/rewards (policy.ts).
 */

export const previewRequestSchema = z.object({
  policy: policyInputSchema,
  sort: z.enum(PREVIEW_SORTS).default("delta"),
  /** Rows returned (totals always cover every device). */
  limit: z.number().int().min(1).max(1_000).default(200),
});

export interface PreviewTotalsView {
  rawTotal: string;
  paidTotal: string;
  budget: string;
  scaled: boolean;
  earning: number;
}

export interface PolicyPreviewView {
  epoch: { id: number; epoch: number; status: string; windowStart: string; windowEnd: string; deviceCount: number; policyVersion: number };
  draftVersion: number;
  current: PreviewTotalsView;
  draft: PreviewTotalsView;
  changed: { up: number; down: number; same: number };
  rows: Array<{
    device: string;
    slot: number;
    inputs: EpochInputsDocument["slots"][number]["inputs"];
    currentAmount: string;
    draftAmount: string;
    delta: string;
  }>;
  rowsTotal: number;
}

const totalsView = (totals: PreviewTotals): PreviewTotalsView => ({
  rawTotal: totals.rawTotal.toString(),
  paidTotal: totals.paidTotal.toString(),
  budget: totals.budget.toString(),
  scaled: totals.scaled,
  earning: totals.earning,
});

/** Runs the draft over the inputs of the project's latest computed epoch, next to what that epoch's policy paid. */
export async function previewDraftPolicy(db: PrismaClient, projectId: number, request: z.output<typeof previewRequestSchema>): Promise<PolicyPreviewView> {
  const epoch = await db.rewardEpoch.findFirst({ where: { projectId }, orderBy: { epoch: "desc" }, include: { policy: { select: { version: true } } } });
  if (!epoch) throw new DomainError("no_epoch", "No epoch has been computed for this project yet, so there are no inputs to preview against.", 409);
  const document = epoch.inputs as unknown as EpochInputsDocument;
  const last = await db.rewardPolicy.findFirst({ where: { projectId }, orderBy: { version: "desc" }, select: { version: true } });
  const draftVersion = (last?.version ?? 0) + 1;
  const draft: RewardPolicyParams = {
    ...request.policy,
    version: draftVersion,
    basePerMinute: BigInt(request.policy.basePerMinute),
    epochBudget: BigInt(request.policy.epochBudget),
  };
  let preview;
  try {
    preview = previewPolicy(policyFromPublished(document.policy), draft, document.slots);
  } catch (error) {
    if (error instanceof RewardPolicyError) throw new DomainError("invalid_policy", error.message, 400);
    throw error;
  }
  return {
    epoch: {
      id: epoch.id,
      epoch: epoch.epoch,
      status: epoch.status,
      windowStart: epoch.windowStart.toISOString(),
      windowEnd: epoch.windowEnd.toISOString(),
      deviceCount: epoch.deviceCount,
      policyVersion: epoch.policy.version,
    },
    draftVersion,
    current: totalsView(preview.current),
    draft: totalsView(preview.draft),
    changed: preview.changed,
    rows: sortPreviewRows(preview.rows, request.sort)
      .slice(0, request.limit)
      .map((row) => ({
        device: row.device,
        slot: row.slot,
        inputs: row.inputs,
        currentAmount: row.current.amount.toString(),
        draftAmount: row.draft.amount.toString(),
        delta: row.delta.toString(),
      })),
    rowsTotal: preview.rows.length,
  };
}

/** Publishes the next policy version (immutable; the next epoch uses it) and records who did it. */
export async function publishPolicyAsAdmin(db: PrismaClient, projectId: number, actor: string, input: PolicyInput) {
  let row;
  try {
    row = await publishPolicy(db, projectId, input);
  } catch (error) {
    if (error instanceof RewardPolicyError) throw new DomainError("invalid_policy", error.message, 400);
    throw error;
  }
  await recordAdminAction(db, { projectId, actor, action: "rewards.policy.publish", details: { version: row.version, policyHash: row.policyHash, ...input } });
  return { version: row.version, policyHash: row.policyHash, createdAt: row.createdAt.toISOString() };
}

export interface EpochOpsRow {
  id: number;
  epoch: number;
  status: string;
  windowStart: string;
  windowEnd: string;
  policyVersion: number;
  deviceCount: number;
  batchCount: number;
  batchesProved: number;
  batchesSubmitted: number;
  paidTotal: string;
  scaled: boolean;
  attempts: number;
  /** The last failure, without URLs or server paths (epochErrorForDisplay). */
  error: string | null;
  /** Milliseconds per stage, as the worker measured them (absent until the stage ran). */
  timings: { computeMs?: number; proveMs?: number; submitMs?: number; finalizeMs?: number };
  createdAt: string;
  confirmedAt: string | null;
  finalizeTx: string | null;
  /** A worker holds the epoch right now. */
  leased: boolean;
}

const timingKeys = ["computeMs", "proveMs", "submitMs", "finalizeMs"] as const;

export interface EpochsOverview {
  epochs: EpochOpsRow[];
  upcoming: UpcomingEpoch | null;
}

/** The rewards page's pipeline: the epochs so far, and when the next one closes or what it waits for. */
export async function epochsOverview(db: PrismaClient, projectId: number, timing: { epochSeconds: number; settleMs: number }, now = Date.now()): Promise<EpochsOverview> {
  const [epochs, upcoming] = await Promise.all([projectEpochs(db, projectId, { now: new Date(now) }), upcomingEpoch(db, projectId, { ...timing, now })]);
  return { epochs, upcoming };
}

/** The project's epochs, newest first, with the pipeline stage, per-stage timings and the last failure. */
export async function projectEpochs(db: PrismaClient, projectId: number, { limit = 100, now = new Date() } = {}): Promise<EpochOpsRow[]> {
  const epochs = await db.rewardEpoch.findMany({
    where: { projectId },
    orderBy: { epoch: "desc" },
    take: limit,
    select: {
      id: true,
      epoch: true,
      status: true,
      windowStart: true,
      windowEnd: true,
      deviceCount: true,
      batchCount: true,
      paidTotal: true,
      scaled: true,
      attempts: true,
      error: true,
      timings: true,
      createdAt: true,
      confirmedAt: true,
      finalizeTx: true,
      leaseUntil: true,
      policy: { select: { version: true } },
    },
  });
  const progress = await db.$queryRaw<Array<{ epoch_id: number; proved: bigint; submitted: bigint }>>`
    SELECT "epochId" AS epoch_id, count(*) FILTER (WHERE proof IS NOT NULL) AS proved, count(*) FILTER (WHERE "submitTx" IS NOT NULL) AS submitted
      FROM "RewardBatch" WHERE "epochId" = ANY(${epochs.map((e) => e.id)}::int[]) GROUP BY "epochId"`;
  const byEpoch = new Map(progress.map((row) => [row.epoch_id, row]));
  return epochs.map((epoch) => {
    const raw = (epoch.timings ?? {}) as Record<string, unknown>;
    const timings: EpochOpsRow["timings"] = {};
    for (const key of timingKeys) if (typeof raw[key] === "number") timings[key] = raw[key];
    return {
      id: epoch.id,
      epoch: epoch.epoch,
      status: epoch.status,
      windowStart: epoch.windowStart.toISOString(),
      windowEnd: epoch.windowEnd.toISOString(),
      policyVersion: epoch.policy.version,
      deviceCount: epoch.deviceCount,
      batchCount: epoch.batchCount,
      batchesProved: Number(byEpoch.get(epoch.id)?.proved ?? 0),
      batchesSubmitted: Number(byEpoch.get(epoch.id)?.submitted ?? 0),
      paidTotal: epoch.paidTotal.toFixed(0),
      scaled: epoch.scaled,
      attempts: epoch.attempts,
      error: epochErrorForDisplay(epoch.error),
      timings,
      createdAt: epoch.createdAt.toISOString(),
      confirmedAt: epoch.confirmedAt?.toISOString() ?? null,
      finalizeTx: epoch.finalizeTx,
      leased: epoch.leaseUntil !== null && epoch.leaseUntil > now,
    };
  });
}

/**
 * Hands a failed epoch back to the worker job: the status returns to the last stage whose output is complete
 * (proved when every batch has its proof, else computed), attempts start again from 0 and the lease is released.
 * The job then resumes it exactly like a crashed worker's epoch (submitEpoch asks the contract how far it got).
 * Idempotent: re-running an epoch that is not failed changes nothing and reports `rerun: false`.
 */
export async function rerunFailedEpoch(db: PrismaClient, projectId: number, epochId: number, actor: string): Promise<{ rerun: boolean; status: string }> {
  return db.$transaction(async (tx) => {
    const [epoch] = await tx.$queryRaw<Array<{ id: number; epoch: number; status: string; error: string | null; attempts: number }>>`
      SELECT id, epoch, status::text AS status, error, attempts FROM "RewardEpoch" WHERE id = ${epochId} AND "projectId" = ${projectId} FOR UPDATE`;
    // Another project's epoch id reads like an unknown one.
    if (!epoch) throw new NotFoundError("No such epoch in this project.", "epoch_not_found");
    if (epoch.status !== "failed") return { rerun: false, status: epoch.status };
    const [counts] = await tx.$queryRaw<Array<{ batches: bigint; proved: bigint }>>`
      SELECT count(*) AS batches, count(*) FILTER (WHERE proof IS NOT NULL) AS proved FROM "RewardBatch" WHERE "epochId" = ${epochId}`;
    const status = counts && counts.batches > 0n && counts.proved === counts.batches ? "proved" : "computed";
    await tx.rewardEpoch.update({ where: { id: epochId }, data: { status, attempts: 0, error: null, leaseOwner: null, leaseUntil: null } });
    await recordAdminAction(tx, {
      projectId,
      actor,
      action: "rewards.epoch.rerun",
      details: { epochId, epoch: epoch.epoch, resumeAt: status, previousError: epoch.error, previousAttempts: epoch.attempts },
    });
    return { rerun: true, status };
  });
}

import "server-only";
import { getAddress, type Address } from "viem";
import type { PrismaClient } from "../db/generated/client";
import type { EpochInputsDocument } from "./epoch";

/**
 * The public view of reward epochs (/proofs): everything the proofs commit to, so anyone can check them.
 * Epochs are addressed by their row id (epoch numbers repeat across projects).
 */

export interface EpochListItem {
  id: number;
  project: { id: number; slug: string; name: string };
  epoch: number;
  status: string;
  windowStart: string;
  windowEnd: string;
  deviceCount: number;
  batchCount: number;
  paidTotal: string;
  finalizeTx: string | null;
}

export interface EpochBatchView {
  batchIndex: number;
  inputsCommitment: string;
  prevRoot: string;
  newRoot: string;
  batchRaw: string;
  batchPaid: string;
  /** snarkjs proof JSON; null until proved. */
  proof: unknown;
  publicSignals: string[] | null;
  provingMs: number | null;
  submitTx: string | null;
}

export interface EpochDetail extends EpochListItem {
  policy: { version: number; policyHash: string; basePerMinute: string; minQualityMultiplierBps: number; coverageBonusBps: number; demandBonusBps: number; epochBudget: string };
  rawTotal: string;
  scaled: boolean;
  epochRoot: string | null;
  confirmedAt: string | null;
  batches: EpochBatchView[];
  devices: { device: Address; slot: number; amount: string }[];
}

/** Why a device earned its amount: the policy terms applied to its inputs (docs/rewards.md "Policy"). */
export interface DeviceEarningExplanation {
  epochId: number;
  epoch: number;
  device: Address;
  slot: number;
  inputs: { onlineMinutes: number; qualityScore: number; underserved: boolean; inDemand: boolean; active: boolean };
  policy: EpochDetail["policy"];
  qualityMultiplierBps: number;
  bonusBps: number;
  raw: string;
  /** True when the epoch's raw total exceeded the budget and the amount was scaled down. */
  scaled: boolean;
  rawTotal: string;
  amount: string;
  cumulative: string;
}

type EpochRow = Awaited<ReturnType<typeof loadEpochs>>[number];

function loadEpochs(db: PrismaClient, where: { id?: number }, take?: number) {
  return db.rewardEpoch.findMany({
    where,
    orderBy: [{ windowStart: "desc" }, { projectId: "asc" }],
    take,
    include: { policy: true },
  });
}

async function projectsOf(db: PrismaClient, ids: number[]) {
  const projects = await db.project.findMany({ where: { id: { in: ids } }, select: { id: true, slug: true, name: true } });
  return new Map(projects.map((p) => [p.id, p]));
}

function listItem(row: EpochRow, project: EpochListItem["project"]): EpochListItem {
  return {
    id: row.id,
    project,
    epoch: row.epoch,
    status: row.status,
    windowStart: row.windowStart.toISOString(),
    windowEnd: row.windowEnd.toISOString(),
    deviceCount: row.deviceCount,
    batchCount: row.batchCount,
    paidTotal: row.paidTotal.toFixed(0),
    finalizeTx: row.finalizeTx,
  };
}

function policyView(row: EpochRow): EpochDetail["policy"] {
  const p = row.policy;
  return {
    version: p.version,
    policyHash: p.policyHash,
    basePerMinute: p.basePerMinute.toFixed(0),
    minQualityMultiplierBps: p.minQualityMultiplierBps,
    coverageBonusBps: p.coverageBonusBps,
    demandBonusBps: p.demandBonusBps,
    epochBudget: p.epochBudget.toFixed(0),
  };
}

/** The latest epochs of every project, newest first. */
export async function listEpochs(db: PrismaClient, limit = 100): Promise<EpochListItem[]> {
  const rows = await loadEpochs(db, {}, Math.min(Math.max(limit, 1), 500));
  const projects = await projectsOf(db, [...new Set(rows.map((r) => r.projectId))]);
  return rows.map((row) => listItem(row, projects.get(row.projectId)!));
}

export async function epochDetail(db: PrismaClient, id: number): Promise<EpochDetail | null> {
  const [row] = await loadEpochs(db, { id });
  if (!row) return null;
  const [projects, batches, devices] = await Promise.all([
    projectsOf(db, [row.projectId]),
    db.rewardBatch.findMany({ where: { epochId: id }, orderBy: { batchIndex: "asc" } }),
    db.rewardDeviceEpoch.findMany({ where: { epochId: id }, orderBy: { slot: "asc" }, select: { device: true, slot: true, amount: true } }),
  ]);
  return {
    ...listItem(row, projects.get(row.projectId)!),
    policy: policyView(row),
    rawTotal: row.rawTotal.toFixed(0),
    scaled: row.scaled,
    epochRoot: row.epochRoot,
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    batches: batches.map((b) => ({
      batchIndex: b.batchIndex,
      inputsCommitment: b.inputsCommitment,
      prevRoot: b.prevRoot,
      newRoot: b.newRoot,
      batchRaw: b.batchRaw.toFixed(0),
      batchPaid: b.batchPaid.toFixed(0),
      proof: b.proof ?? null,
      publicSignals: (b.publicSignals as string[] | null) ?? null,
      provingMs: b.provingMs,
      submitTx: b.submitTx,
    })),
    devices: devices.map((d) => ({ device: getAddress(d.device), slot: d.slot, amount: d.amount.toFixed(0) })),
  };
}

/** The published inputs document of an epoch (docs/rewards.md "Inputs"), or null when there is no such epoch. */
export async function epochInputsDocument(db: PrismaClient, id: number): Promise<EpochInputsDocument | null> {
  const row = await db.rewardEpoch.findUnique({ where: { id }, select: { inputs: true } });
  return row ? (row.inputs as unknown as EpochInputsDocument) : null;
}

export async function explainDeviceEarning(db: PrismaClient, epochId: number, device: string): Promise<DeviceEarningExplanation | null> {
  const row = await db.rewardDeviceEpoch.findUnique({
    where: { epochId_device: { epochId, device: device.toLowerCase() } },
    include: { epoch: { include: { policy: true } } },
  });
  if (!row) return null;
  return {
    epochId,
    epoch: row.epoch.epoch,
    device: getAddress(row.device),
    slot: row.slot,
    inputs: { onlineMinutes: row.onlineMinutes, qualityScore: row.qualityScore, underserved: row.underserved, inDemand: row.inDemand, active: row.active },
    policy: policyView(row.epoch),
    qualityMultiplierBps: row.qualityMultiplierBps,
    bonusBps: row.bonusBps,
    raw: row.raw.toFixed(0),
    scaled: row.epoch.scaled,
    rawTotal: row.epoch.rawTotal.toFixed(0),
    amount: row.amount.toFixed(0),
    cumulative: row.cumulative.toFixed(0),
  };
}

import "server-only";
import { getAddress, type Address } from "viem";
import type { PrismaClient } from "../db/generated/client";
import { sellerMarketIncome, type MarketIncome } from "../market/income";
import { BATCH_SIZE } from "../proofs/tree";

/**
 * An owner's earnings, read from the epoch tables (amounts computed by the policy) and from RewardDistributor
 * (what was already claimed). Amounts are token base units as decimal strings: they exceed 2⁵³.
 *
 * - earned:    every amount of an epoch that did not fail, by the epoch window's start (UTC day);
 * - pending:   amounts of epochs computed but not yet confirmed on-chain;
 * - claimable: cumulative of the device's latest confirmed epoch − claimedOf on-chain;
 * - claimed:   claimedOf on-chain (pays whoever owns the device token at claim time).
 */

const DAY_MS = 86_400_000;
const PENDING = new Set(["computed", "proved", "submitted"]);

/** Reads RewardDistributor.claimedOf; null where no chain is configured (claimed then counts as 0). */
export interface ClaimedReader {
  claimedOf(onchainProjectId: bigint, device: Address): Promise<bigint>;
}

export interface DeviceEarnings {
  device: Address;
  projectId: number;
  earned: string;
  pending: string;
  confirmedCumulative: string;
  claimed: string;
  claimable: string;
  epochs: number;
}

export interface EarningsSummary {
  owner: Address;
  totals: { today: string; last7Days: string; last30Days: string; allTime: string };
  pending: string;
  claimable: string;
  claimed: string;
  /** Earned over the last 7 days (or since the first epoch, if later) scaled to 30 days. */
  monthlyProjection: string;
  /** One entry per UTC day from the first earning day to today, zero days included, oldest first. */
  perDay: { day: string; amount: string }[];
  perDevice: DeviceEarnings[];
  deviceCount: number;
  epochCount: number;
  /** What the marketplace paid the owner as a seller, in its payment token (dUSD, not DHR): lib/market/income.ts. */
  market: MarketIncome;
}

/** RewardDistributor.claim's argument for one device, JSON-safe (decimal strings). */
export interface ClaimArgument {
  projectId: string;
  device: Address;
  batchIndex: string;
  slotInBatch: string;
  cumulative: string;
  merkleProof: [string, string, string, string];
  /** The epoch whose root the proof is against. */
  epoch: number;
  claimable: string;
}

interface EarningRow {
  device: string;
  projectId: number;
  onchainId: bigint | null;
  epoch: number;
  status: string;
  windowStart: Date;
  amount: bigint;
  cumulative: bigint;
  slot: number;
  merkleProof: string[];
}

async function ownedDevices(db: PrismaClient, owner: Address) {
  return db.device.findMany({
    where: { ownerAddress: { equals: owner, mode: "insensitive" } },
    select: { address: true, projectId: true, project: { select: { onchainId: true } } },
    orderBy: { address: "asc" },
  });
}

async function earningRows(db: PrismaClient, devices: string[]): Promise<EarningRow[]> {
  if (devices.length === 0) return [];
  const rows = await db.rewardDeviceEpoch.findMany({
    where: { device: { in: devices }, epoch: { status: { not: "failed" } } },
    include: { epoch: { select: { projectId: true, epoch: true, status: true, windowStart: true } } },
  });
  const projects = await db.project.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.epoch.projectId))] } }, select: { id: true, onchainId: true } });
  const onchain = new Map(projects.map((p) => [p.id, p.onchainId]));
  return rows
    .map((row) => ({
      device: row.device,
      projectId: row.epoch.projectId,
      onchainId: onchain.get(row.epoch.projectId) ?? null,
      epoch: row.epoch.epoch,
      status: row.epoch.status,
      windowStart: row.epoch.windowStart,
      amount: BigInt(row.amount.toFixed(0)),
      cumulative: BigInt(row.cumulative.toFixed(0)),
      slot: row.slot,
      merkleProof: row.merkleProof as string[],
    }))
    .sort((a, b) => a.epoch - b.epoch);
}

const utcDay = (date: Date) => date.toISOString().slice(0, 10);
const sum = (values: bigint[]) => values.reduce((total, value) => total + value, 0n);

/** The device's latest confirmed epoch row per (project, device): what a claim proves against. */
function latestConfirmed(rows: EarningRow[]): Map<string, EarningRow> {
  const latest = new Map<string, EarningRow>();
  for (const row of rows) {
    if (row.status !== "confirmed") continue;
    const key = `${row.projectId}:${row.device}`;
    const seen = latest.get(key);
    if (!seen || seen.epoch < row.epoch) latest.set(key, row);
  }
  return latest;
}

async function claimedAmounts(reader: ClaimedReader | null, latest: Map<string, EarningRow>): Promise<Map<string, bigint>> {
  const claimed = new Map<string, bigint>();
  if (!reader) return claimed;
  await Promise.all(
    [...latest.entries()].map(async ([key, row]) => {
      if (row.onchainId === null) return;
      claimed.set(key, await reader.claimedOf(row.onchainId, getAddress(row.device)));
    }),
  );
  return claimed;
}

export async function ownerEarnings(db: PrismaClient, owner: Address, options: { claimed: ClaimedReader | null; now?: Date }): Promise<EarningsSummary> {
  const now = options.now ?? new Date();
  const devices = await ownedDevices(db, owner);
  const rows = await earningRows(db, devices.map((d) => d.address));
  const latest = latestConfirmed(rows);
  const [claimed, market] = await Promise.all([claimedAmounts(options.claimed, latest), sellerMarketIncome(db, owner, now)]);

  const todayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = (ms: number) => sum(rows.filter((r) => r.windowStart.getTime() >= ms).map((r) => r.amount));

  const perDevice: DeviceEarnings[] = devices.map((device) => {
    const own = rows.filter((r) => r.device === device.address && r.projectId === device.projectId);
    const key = `${device.projectId}:${device.address}`;
    const confirmedCumulative = latest.get(key)?.cumulative ?? 0n;
    const claimedAmount = claimed.get(key) ?? 0n;
    const claimable = confirmedCumulative > claimedAmount ? confirmedCumulative - claimedAmount : 0n;
    return {
      device: getAddress(device.address),
      projectId: device.projectId,
      earned: sum(own.map((r) => r.amount)).toString(),
      pending: sum(own.filter((r) => PENDING.has(r.status)).map((r) => r.amount)).toString(),
      confirmedCumulative: confirmedCumulative.toString(),
      claimed: claimedAmount.toString(),
      claimable: claimable.toString(),
      epochs: own.length,
    };
  });

  const byDay = new Map<string, bigint>();
  for (const row of rows) byDay.set(utcDay(row.windowStart), (byDay.get(utcDay(row.windowStart)) ?? 0n) + row.amount);
  const perDay: EarningsSummary["perDay"] = [];
  const first = rows.reduce<number | null>((min, r) => (min === null || r.windowStart.getTime() < min ? r.windowStart.getTime() : min), null);
  if (first !== null) {
    for (let day = Date.UTC(new Date(first).getUTCFullYear(), new Date(first).getUTCMonth(), new Date(first).getUTCDate()); day <= todayStart; day += DAY_MS) {
      const key = utcDay(new Date(day));
      perDay.push({ day: key, amount: (byDay.get(key) ?? 0n).toString() });
    }
  }

  return {
    owner,
    totals: {
      today: since(todayStart).toString(),
      last7Days: since(now.getTime() - 7 * DAY_MS).toString(),
      last30Days: since(now.getTime() - 30 * DAY_MS).toString(),
      allTime: sum(rows.map((r) => r.amount)).toString(),
    },
    pending: sum(perDevice.map((d) => BigInt(d.pending))).toString(),
    claimable: sum(perDevice.map((d) => BigInt(d.claimable))).toString(),
    claimed: sum(perDevice.map((d) => BigInt(d.claimed))).toString(),
    monthlyProjection: monthlyProjection(rows, now, first).toString(),
    perDay,
    perDevice,
    deviceCount: devices.length,
    epochCount: new Set(rows.map((r) => `${r.projectId}:${r.epoch}`)).size,
    market,
  };
}

/** Earnings in the last 7 days (or since the first epoch when that is more recent) per ms, times 30 days. */
function monthlyProjection(rows: EarningRow[], now: Date, first: number | null): bigint {
  if (first === null) return 0n;
  const from = Math.max(first, now.getTime() - 7 * DAY_MS);
  const span = BigInt(Math.max(now.getTime() - from, 60_000));
  const earned = sum(rows.filter((r) => r.windowStart.getTime() >= from).map((r) => r.amount));
  return (earned * BigInt(30 * DAY_MS)) / span;
}

/** "Claim all": one claimMany argument per owned device with something claimable, from its latest confirmed epoch. */
export async function ownerClaimArguments(db: PrismaClient, owner: Address, reader: ClaimedReader | null): Promise<ClaimArgument[]> {
  const devices = await ownedDevices(db, owner);
  const owned = new Set(devices.map((d) => `${d.projectId}:${d.address}`));
  const latest = new Map([...latestConfirmed(await earningRows(db, devices.map((d) => d.address)))].filter(([key]) => owned.has(key)));
  const claimed = await claimedAmounts(reader, latest);
  const claims: ClaimArgument[] = [];
  for (const [key, row] of latest) {
    if (row.onchainId === null || row.cumulative === 0n) continue;
    const already = claimed.get(key) ?? 0n;
    if (row.cumulative <= already) continue;
    const proof = row.merkleProof;
    claims.push({
      projectId: row.onchainId.toString(),
      device: getAddress(row.device),
      batchIndex: String(Math.floor(row.slot / BATCH_SIZE)),
      slotInBatch: String(row.slot % BATCH_SIZE),
      cumulative: row.cumulative.toString(),
      merkleProof: [proof[0]!, proof[1]!, proof[2]!, proof[3]!],
      epoch: row.epoch,
      claimable: (row.cumulative - already).toString(),
    });
  }
  return claims.sort((a, b) => a.device.localeCompare(b.device));
}

const CSV_HEADER = ["epoch", "project_id", "window_start", "device", "status", "amount", "cumulative", "source", "token", "order_id"];

/**
 * Every epoch result of the owner's devices (source "reward", DHR), then every marketplace payment to the owner as
 * a seller (source "market", dUSD, net of the fee: an escrow release of order_id, or a device sale), each oldest
 * first, as CSV (amounts in base units; a market row's window_start is the payment's block time).
 */
export async function ownerEarningsCsv(db: PrismaClient, owner: Address): Promise<string> {
  const devices = await ownedDevices(db, owner);
  const [rows, market] = await Promise.all([earningRows(db, devices.map((d) => d.address)), sellerMarketIncome(db, owner)]);
  const lines = rows.map((r) => [r.epoch, r.projectId, r.windowStart.toISOString(), getAddress(r.device), r.status, r.amount, r.cumulative, "reward", "DHR", ""].join(","));
  const marketLines = market.entries.map((e) => ["", "", e.at, e.device ?? "", e.kind === "release" ? "released" : "sold", e.amount, "", "market", "dUSD", e.orderId ?? ""].join(","));
  return [CSV_HEADER.join(","), ...lines, ...marketLines].join("\r\n") + "\r\n";
}

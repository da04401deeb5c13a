import "server-only";
import { createPublicClient, createWalletClient, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { marketplaceAbi } from "../chain/abi.generated";
import { chainTransport, type RpcEndpoints } from "../chain/transport";
import { Prisma, type PrismaClient } from "../db/generated/client";
import { ATTESTATION_WINDOW_SECONDS } from "./order-terms";
import { devicesNotOwnedBy } from "./ownership";
import { serviceMeasure, servicePeriods, type MeasurementPeriod, type ServiceMeasure } from "./service-units";
import type { WorkerJob } from "../worker/loop";

/** A feed order's unit: one day of data from the listed devices. */
export const FEED_PERIOD_MS = 24 * 60 * 60 * 1000;
/** A period counts as delivered when the listed devices together sent data in at least this many of its hours. */
export const DEFAULT_MIN_ONLINE_HOURS = 12;
/**
 * A service period is measured this long after it ends: readings a device buffered for a few minutes still count.
 * Rows arriving later than that are not paid for (the buyer keeps that part of the escrow).
 */
export const SERVICE_SETTLE_MS = 10 * 60 * 1000;
// Advisory lock class for attestation (other classes: indexer, hourly processing); the key is the chain id.
const ATTESTATION_LOCK_CLASS = 7_007;

export interface AttestationOptions {
  /** One RPC URL or an ordered list (fallbacks). */
  rpcUrl: RpcEndpoints;
  rpcTimeoutMs?: number;
  chainId: number;
  marketplace: Address;
  /** The attester's key (Marketplace.isAttester). */
  attesterKey: Hex;
  clock?: () => number;
  minOnlineHours?: number;
  /** How long after a service period ends its telemetry is measured (SERVICE_SETTLE_MS). */
  serviceSettleMs?: number;
  log?: (message: string) => void;
}

export interface AttestationOutcome {
  kind: "busy" | "done";
  /** Orders that received an attestation, with the units attested. */
  attested: Array<{ orderId: bigint; units: bigint; txHash: Hex }>;
}

/** Finished periods of an order: [start, end) windows of FEED_PERIOD_MS from its creation, at most totalUnits. */
export function finishedPeriods(createdAt: Date, totalUnits: bigint, now: number): Date[] {
  const periods: Date[] = [];
  for (let i = 0n; i < totalUnits; i += 1n) {
    const start = createdAt.getTime() + Number(i) * FEED_PERIOD_MS;
    if (start + FEED_PERIOD_MS > now) break;
    periods.push(new Date(start));
  }
  return periods;
}

/**
 * End of a service order's delivery: its expiry minus the attestation window (serviceOrderTerms adds one), so the
 * last period can still be attested before the contract refuses attestations.
 */
export function serviceDeliveryEnd(order: { createdAt: Date; expiresAt: Date }): Date {
  const end = order.expiresAt.getTime() - ATTESTATION_WINDOW_SECONDS * 1000;
  return new Date(end > order.createdAt.getTime() ? end : order.expiresAt.getTime());
}

const minBigint = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * Units each period delivered, from ingest.telemetry (only verified messages are stored): online minutes are
 * distinct (device, minute) pairs on the device clock, as the reward epochs count them; readings are messages.
 */
export async function measureServicePeriods(
  tx: Prisma.TransactionClient,
  devices: readonly string[],
  periods: readonly MeasurementPeriod[],
  measure: ServiceMeasure,
): Promise<Array<MeasurementPeriod & { units: bigint }>> {
  if (periods.length === 0) return [];
  if (devices.length === 0) return periods.map((period) => ({ ...period, units: 0n }));
  const units = measure === "online-minutes" ? Prisma.sql`count(DISTINCT (t.device, date_trunc('minute', t.measured_at)))` : Prisma.sql`count(*)`;
  const rows = await tx.$queryRaw<Array<{ start: Date; units: bigint }>>`
    SELECT p.start, (
             SELECT ${units} FROM ingest.telemetry t
              WHERE t.device = ANY(SELECT decode(substr(a, 3), 'hex') FROM unnest(${devices as string[]}::text[]) AS a)
                AND t.measured_at >= p.start AND t.measured_at < p.stop
           ) AS units
      FROM unnest(${periods.map((p) => p.start.toISOString())}::timestamptz[], ${periods.map((p) => p.end.toISOString())}::timestamptz[]) AS p(start, stop)`;
  const byStart = new Map(rows.map((row) => [row.start.getTime(), BigInt(row.units)]));
  return periods.map((period) => ({ ...period, units: byStart.get(period.start.getTime()) ?? 0n }));
}

/**
 * One attestation round for every open feed and service order on the chain. Exactly once
 * across workers: the round runs in one transaction holding a per-chain
 * advisory lock, each period is judged once (a MarketAttestation row), and
 * the units sent are what the ledger says minus what the contract already
 * counts, read after the previous round's receipts. A round that dies after
 * sending a transaction therefore never sends it twice.
 */
export async function runAttestationRound(db: PrismaClient, options: AttestationOptions): Promise<AttestationOutcome> {
  const { chainId, marketplace, clock = Date.now, minOnlineHours = DEFAULT_MIN_ONLINE_HOURS, serviceSettleMs = SERVICE_SETTLE_MS, log = () => undefined } = options;
  const transport = chainTransport(options.rpcUrl, { timeoutMs: options.rpcTimeoutMs });
  const publicClient: PublicClient = createPublicClient({ transport });
  const account = privateKeyToAccount(options.attesterKey);
  const wallet = createWalletClient({ account, transport });
  const now = clock();

  return db.$transaction(
    async (tx): Promise<AttestationOutcome> => {
      const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${ATTESTATION_LOCK_CLASS}::int4, ${chainId}::int4) AS locked`;
      if (!lock?.locked) return { kind: "busy", attested: [] };

      const orders = await tx.marketOrder.findMany({ where: { chainId, status: "OPEN", listingId: { not: null }, expiresAt: { gt: new Date(now) } } });
      const attested: AttestationOutcome["attested"] = [];
      for (const order of orders) {
        const listing = await tx.marketListing.findUnique({ where: { id: order.listingId as string }, select: { kind: true, deviceAddresses: true, unit: true } });
        if (!listing) continue;
        const measure = listing.kind === "SERVICE" ? serviceMeasure(listing.unit) : null;
        if (listing.kind !== "FEED" && !measure) continue;
        // Only devices the seller still owns deliver for the seller: after a sale or transfer the order stops being
        // attested and its buyer is refunded the remainder (grace period or expiry), as the escrow rules say.
        const gone = new Set(await devicesNotOwnedBy(tx, order.sellerAddress, listing.deviceAddresses));
        const devices = listing.deviceAddresses.filter((device) => !gone.has(device));
        const judged = new Set((await tx.marketAttestation.findMany({ where: { chainId, orderId: order.orderId }, select: { periodStart: true } })).map((row) => row.periodStart.getTime()));

        if (listing.kind === "FEED") {
          // Judge each finished day once, from the hours the listed devices actually sent data in.
          for (const periodStart of finishedPeriods(order.createdAt, order.totalUnits, now)) {
            if (judged.has(periodStart.getTime())) continue;
            const periodEnd = new Date(periodStart.getTime() + FEED_PERIOD_MS);
            const [hours] = await tx.$queryRaw<Array<{ hours: number }>>`
              SELECT count(DISTINCT "hourStart")::int AS hours FROM "DeviceHour"
              WHERE "device" = ANY(${devices}) AND "messageCount" > 0
                AND "hourStart" >= ${periodStart} AND "hourStart" < ${periodEnd}`;
            const units = (hours?.hours ?? 0) >= minOnlineHours ? 1n : 0n;
            await tx.marketAttestation.create({ data: { chainId, orderId: order.orderId, periodStart, units } });
          }
        } else if (measure) {
          // Services: each settled period's units, measured from the devices' verified telemetry, judged once.
          const periods = servicePeriods(order.createdAt, serviceDeliveryEnd(order), now, serviceSettleMs).filter((period) => !judged.has(period.start.getTime()));
          const measured = await measureServicePeriods(tx, devices, periods, measure);
          if (measured.length > 0) await tx.marketAttestation.createMany({ data: measured.map(({ start, units }) => ({ chainId, orderId: order.orderId, periodStart: start, units })) });
        }

        const ledger = await tx.marketAttestation.aggregate({ where: { chainId, orderId: order.orderId }, _sum: { units: true } });
        // Measured units beyond what was bought are not owed (a service can over-deliver).
        const owed = minBigint(ledger._sum.units ?? 0n, order.totalUnits);
        // The projection may lag the chain: the contract is the authority on what was already attested. Pending state,
        // so an attestation a crashed worker sent but that is not mined yet is not sent a second time.
        const onchain = await publicClient.readContract({ address: marketplace, abi: marketplaceAbi, functionName: "getOrder", args: [order.orderId], blockTag: "pending" });
        if (onchain.status !== 1) continue;
        const missing = owed - onchain.deliveredUnits;
        if (missing <= 0n) continue;
        const { request } = await publicClient.simulateContract({ account, address: marketplace, abi: marketplaceAbi, functionName: "attest", args: [order.orderId, missing] });
        const hash = await wallet.writeContract(request);
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error(`attest(${order.orderId}, ${missing}) reverted in ${hash}`);
        await tx.marketAttestation.updateMany({ where: { chainId, orderId: order.orderId, txHash: null, units: { gt: 0n } }, data: { txHash: hash } });
        attested.push({ orderId: order.orderId, units: missing, txHash: hash });
        log(`market-attestation: order ${order.orderId} +${missing} unit(s) in ${hash}`);
      }
      return { kind: "done", attested };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

/** The worker job: a round every `everyMs` (periods are days; checking every few minutes is plenty). */
export function createAttestationJob(options: AttestationOptions & { everyMs?: number }): WorkerJob {
  const { everyMs = 5 * 60_000, ...round } = options;
  const clock = round.clock ?? Date.now;
  let lastRunAt = Number.NEGATIVE_INFINITY;
  return {
    name: `market-attestation:${round.chainId}`,
    async run({ db }) {
      if (clock() - lastRunAt < everyMs) return;
      lastRunAt = clock();
      try {
        await runAttestationRound(db, round);
      } catch (error) {
        // Retried next round; periods already judged stay judged, units are recomputed against the chain.
        (round.log ?? console.log)(`market-attestation failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

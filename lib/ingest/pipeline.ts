import "server-only";
import type pg from "pg";
import type { Address } from "viem";
import { isRetryable, rejection, type Rejection } from "./codes";
import { encodeTelemetry } from "./encoding";
import { DEFAULT_SKEW, DEVICE_RATE_LIMIT, type SkewWindow } from "./limits";
import type { ParseResult, SignedTelemetryMessage } from "./message";
import { TokenBuckets } from "../http/rate-limit";
import {
  advanceDeviceStates,
  dupKey,
  findStoredDigests,
  inTransaction,
  insertTelemetry,
  lockDeviceStates,
  type TelemetryRow,
  type Transport,
} from "./store";
import { createDeviceRegistry, type DeviceRegistry } from "./store-registry";
import { checkMessage, messageResult, verdictOf, verifyTelemetrySignature, type MessageResult, type SignatureCheck, type Verdict } from "./verify";

/**
 * One batch of parsed messages → one result per message, every accepted
 * message committed before this returns (docs/device-protocol.md §6). Shared
 * by the HTTP route and the MQTT broker.
 */

export interface IngestDeps {
  pool: pg.Pool;
  registry: DeviceRegistry;
  /** Per-device token buckets, charged only for correctly signed messages. */
  deviceLimiter: TokenBuckets;
  clock: () => number;
  skew: SkewWindow;
}

export function createIngestDeps(pool: pg.Pool, overrides: Partial<Omit<IngestDeps, "pool">> = {}): IngestDeps {
  return {
    pool,
    registry: overrides.registry ?? createDeviceRegistry(pool),
    deviceLimiter:
      overrides.deviceLimiter ?? new TokenBuckets({ ratePerSecond: DEVICE_RATE_LIMIT.messagesPerSecond, burst: DEVICE_RATE_LIMIT.burst }),
    clock: overrides.clock ?? Date.now,
    skew: overrides.skew ?? DEFAULT_SKEW,
  };
}

export interface BatchInput {
  messages: ReadonlyArray<ParseResult<SignedTelemetryMessage>>;
  transport: Transport;
  /** MQTT: the device named by the topic; every message must be from it. */
  topicDevice?: Address;
}

/** A message result plus its sequence (decimal), which the MQTT results topic carries. */
export interface IngestResult extends MessageResult {
  sequence?: string;
}

/** The database failed: nothing of the batch was stored (the transaction rolled back). */
export class IngestStorageError extends Error {
  constructor(cause: unknown) {
    super(`telemetry storage failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "IngestStorageError";
  }
}

interface Candidate {
  index: number;
  device: string; // lowercase
  message: SignedTelemetryMessage;
}

const rejected = (failure: Rejection): Verdict => verdictOf(failure);

export async function ingestBatch(deps: IngestDeps, input: BatchInput): Promise<IngestResult[]> {
  const verdicts: Array<Verdict | undefined> = new Array(input.messages.length);
  const topicDevice = input.topicDevice?.toLowerCase();

  // Rules 1–2: shape, topic.
  const shaped: Candidate[] = [];
  input.messages.forEach((parsed, index) => {
    if (!parsed.ok) return void (verdicts[index] = rejected(parsed.rejection));
    const device = parsed.value.device.toLowerCase();
    if (topicDevice !== undefined && device !== topicDevice) {
      return void (verdicts[index] = rejected(rejection("DEVICE_MISMATCH", `(topic names ${topicDevice})`)));
    }
    shaped.push({ index, device, message: parsed.value });
  });

  // Rule 3: registry.
  const live: Candidate[] = [];
  if (shaped.length > 0) {
    let statuses: Map<string, string>;
    try {
      statuses = await deps.registry.statuses(shaped.map((c) => c.device));
    } catch (error) {
      throw new IngestStorageError(error);
    }
    for (const candidate of shaped) {
      const status = statuses.get(candidate.device) ?? "unknown";
      if (status === "unknown") verdicts[candidate.index] = rejected(rejection("UNKNOWN_DEVICE"));
      else if (status === "inactive") verdicts[candidate.index] = rejected(rejection("DEVICE_INACTIVE"));
      else live.push(candidate);
    }
  }

  if (live.length > 0) {
    // Signature recovery is the CPU-heavy part: do it before taking the row
    // locks. Its result is applied below in the documented rule order.
    const signatures = await verifyInSlices(live.map((c) => c.message));
    try {
      await inTransaction(deps.pool, (client) => decideAndStore(client, deps, input.transport, live, signatures, verdicts));
    } catch (error) {
      throw new IngestStorageError(error);
    }
  }

  return input.messages.map((parsed, index) => {
    const verdict = verdicts[index] ?? rejected(rejection("INTERNAL_ERROR"));
    const result: IngestResult = messageResult(index, verdict);
    if (parsed.ok) result.sequence = parsed.value.sequence.toString();
    return result;
  });
}

/** Recovery takes about 2 ms a message: a slice's worth at a time, so that a batch of hundreds does not stall the process's other requests. */
const VERIFY_SLICE_MS = 10;

async function verifyInSlices(messages: readonly SignedTelemetryMessage[]): Promise<SignatureCheck[]> {
  const checks: SignatureCheck[] = [];
  let sliceStarted = performance.now();
  for (const message of messages) {
    checks.push(verifyTelemetrySignature(message));
    if (performance.now() - sliceStarted >= VERIFY_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
  return checks;
}

/** Rules 4–8 under the devices' row locks; writes verdicts in place. */
async function decideAndStore(
  client: pg.PoolClient,
  deps: IngestDeps,
  transport: Transport,
  live: readonly Candidate[],
  signatures: readonly SignatureCheck[],
  verdicts: Array<Verdict | undefined>,
): Promise<void> {
  const states = await lockDeviceStates(client, live.map((c) => c.device));
  const lastSequence = new Map([...states].map(([device, state]) => [device, state.lastSequence]));

  // Only a message at or below the device's last sequence can be a DUPLICATE.
  const maybeDuplicates = live.filter((c) => {
    const last = lastSequence.get(c.device);
    return last !== null && last !== undefined && c.message.sequence <= last;
  });
  const storedDigests = await findStoredDigests(client, maybeDuplicates);

  const now = deps.clock();
  const rows: TelemetryRow[] = [];
  // A retryable rejection holds back the device's later messages (§6.1): they
  // would overtake it and turn its retry into a SEQUENCE_REPLAY.
  const heldBack = new Map<string, Rejection>();

  live.forEach((candidate, i) => {
    const { device, message, index } = candidate;
    const held = heldBack.get(device);
    if (held) return void (verdicts[index] = rejected(held));

    const key = dupKey(device, message.sequence);
    const checked = checkMessage(message, {
      now,
      lastSequence: lastSequence.get(device) ?? null,
      storedDigest: storedDigests.get(key) ?? null,
      skew: deps.skew,
    });
    const signature = signatures[i];
    let verdict: Verdict;
    if (!checked.ok) verdict = verdictOf(checked.rejection);
    else if (!signature?.ok) verdict = verdictOf(signature?.rejection ?? rejection("BAD_SIGNATURE"));
    else if (!deps.deviceLimiter.take(device).ok) verdict = rejected(rejection("RATE_LIMITED", "(device rate limit)"));
    else {
      const encoded = encodeTelemetry(message);
      rows.push({ device, message, transport, digest: signature.digest, encoded, signature: message.signature });
      lastSequence.set(device, message.sequence);
      // A second copy later in this batch is then a DUPLICATE, as it would be in the next batch.
      storedDigests.set(key, signature.digest);
      verdict = { status: "accepted", digest: signature.digest };
    }
    verdicts[index] = verdict;
    if (verdict.status === "rejected" && isRetryable(verdict.rejection.code)) heldBack.set(device, verdict.rejection);
  });

  await insertTelemetry(client, rows);
  await advanceDeviceStates(client, rows);
}

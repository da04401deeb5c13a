import "server-only";
import type { Address } from "viem";
import { rejection, type RejectionCode } from "./codes";
import { MAX_BODY_BYTES } from "./limits";
import { parseMqttPayload } from "./message";
import { ingestBatch, type IngestDeps, type IngestResult } from "./pipeline";

/** Results of one payload that is refused as a whole (one result, index 0). */
export function wholePayloadRejected(code: RejectionCode, detail?: string): IngestResult[] {
  const { reason } = rejection(code, detail);
  return [{ index: 0, status: "rejected", code, reason }];
}

/**
 * One MQTT PUBLISH on devices/<device>/telemetry → its results, every
 * accepted message committed before this resolves. Shared by the app's own
 * broker and the external-broker subscriber. A storage failure
 * (IngestStorageError) propagates: the caller must then withhold PUBACK.
 */
export async function ingestMqttPayload(ingest: IngestDeps, device: Address, raw: Buffer | string): Promise<IngestResult[]> {
  const payload = typeof raw === "string" ? Buffer.from(raw) : raw;
  if (payload.byteLength > MAX_BODY_BYTES) return wholePayloadRejected("PAYLOAD_TOO_LARGE", `(more than ${MAX_BODY_BYTES} bytes)`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch {
    return wholePayloadRejected("SCHEMA", "(the payload is not UTF-8 JSON)");
  }
  const parsed = parseMqttPayload(json);
  if (!parsed.ok) return wholePayloadRejected(parsed.rejection.code, parsed.rejection.reason);
  return ingestBatch(ingest, { messages: parsed.value, transport: "mqtt", topicDevice: device });
}

export const resultsPayload = (results: IngestResult[]): Buffer => Buffer.from(JSON.stringify({ results }));

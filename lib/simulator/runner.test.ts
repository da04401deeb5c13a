import { describe, expect, it } from "vitest";
import { MAX_BATCH_MESSAGES } from "../ingest/limits";
import { parseTelemetryBatch } from "../ingest/message";
import { messageResult, verifyTelemetry } from "../ingest/verify";
import { generateFleet } from "./fleet";
import { HttpSender } from "./http-sender";
import { DeviceAgent, emptyTally, type OutboxEntry } from "./outbox";
import { startSimulator } from "./runner";

const [device] = generateFleet({ seed: 1, size: 1 });
const entries = (n: number): OutboxEntry[] => Array.from({ length: n }, (_, i) => ({ sequence: BigInt(i + 1), json: `{"n":${i}}` }));

describe("DeviceAgent outbox", () => {
  it("drops accepted, duplicate and final rejections; keeps a retryable one and all after it", () => {
    const tally = emptyTally();
    const agent = new DeviceAgent(device!, 0, 100);
    agent.enqueue(entries(5), tally);
    expect(agent.take(10, 1_000_000)).toHaveLength(5);
    const lines = agent.settle(
      [
        { index: 0, status: "accepted" },
        { index: 1, status: "duplicate", code: "DUPLICATE" },
        { index: 2, status: "rejected", code: "CLOCK_SKEW", reason: "too far ahead" },
        { index: 3, status: "rejected", code: "RATE_LIMITED" },
        { index: 4, status: "rejected", code: "RATE_LIMITED" },
      ],
      1_000,
      tally,
    );
    expect(agent.outbox.map((e) => e.sequence)).toEqual([4n, 5n]);
    expect(tally).toMatchObject({ accepted: 1, duplicate: 1, retries: 1 });
    expect(Object.fromEntries(tally.rejected)).toEqual({ CLOCK_SKEW: 1, RATE_LIMITED: 1 });
    expect(lines).toHaveLength(1);
    expect(agent.ready(1_000)).toBe(false); // backing off
    expect(agent.ready(1_000 + 1_001)).toBe(true);
  });

  it("keeps everything on an unknown outcome, and bounds the buffer by dropping the oldest unsent", () => {
    const tally = emptyTally();
    const agent = new DeviceAgent(device!, 0, 3);
    agent.enqueue(entries(2), tally);
    agent.take(1, 1_000);
    agent.enqueue(entries(4).slice(2), tally);
    agent.enqueue([{ sequence: 9n, json: "{}" }], tally);
    expect(agent.outbox.map((e) => e.sequence)).toEqual([1n, 4n, 9n]); // in-flight 1 kept
    expect(tally.dropped).toBe(2);
    agent.unsettled(0, tally);
    expect(agent.outbox).toHaveLength(3);
  });
});

describe("HttpSender", () => {
  it("splits into batches of at most 500 messages, one request per device at a time", async () => {
    const fleet = generateFleet({ seed: 1, size: 3 });
    const tally = emptyTally();
    const agents = fleet.map((d) => new DeviceAgent(d, 0, 10_000));
    for (const agent of agents) agent.enqueue(entries(300), tally);
    const bodies: number[] = [];
    const fetchImpl: typeof fetch = async (_url, init) => {
      const { messages } = JSON.parse(String(init?.body)) as { messages: unknown[] };
      bodies.push(messages.length);
      return Response.json({ results: messages.map((_, index) => ({ index, status: "accepted" })) });
    };
    const sender = new HttpSender({ url: "http://hub.test", tally, log: () => undefined, fetchImpl });
    sender.dispatch(agents, 0);
    await sender.drain();
    // A device cut off by a full batch sends the rest on the next tick, never in parallel.
    expect(bodies.reduce((a, b) => a + b, 0)).toBe(800);
    sender.dispatch(agents, 0);
    await sender.drain();
    expect(Math.max(...bodies)).toBeLessThanOrEqual(MAX_BATCH_MESSAGES);
    expect(bodies.reduce((a, b) => a + b, 0)).toBe(900);
    expect(tally.accepted).toBe(900);
  });
});

describe("startSimulator", () => {
  it("sends protocol-valid batches with per-device increasing sequences to the HTTP endpoint", async () => {
    const devices = generateFleet({ seed: 1, size: 12, intervalMs: 200 });
    const lastSequence = new Map<string, bigint>();
    let invalid = 0;
    const fetchImpl: typeof fetch = async (url, init) => {
      expect(String(url)).toBe("http://hub.test/api/v1/telemetry");
      const parsed = parseTelemetryBatch(JSON.parse(String(init?.body)));
      if (!parsed.ok) throw new Error(parsed.rejection.reason);
      const results = parsed.value.map((message, index) => {
        if (!message.ok) return (invalid++, { index, status: "rejected", code: message.rejection.code });
        const device = message.value.device.toLowerCase();
        const verdict = verifyTelemetry(message.value, { now: Date.now(), lastSequence: lastSequence.get(device) ?? null });
        if (verdict.status === "accepted") lastSequence.set(device, message.value.sequence);
        return messageResult(index, verdict);
      });
      return Response.json({ results });
    };
    const lines: string[] = [];
    const simulator = startSimulator({ devices, appUrl: "http://hub.test", mqttUrl: null, durationMs: 2_500, tickMs: 250, statusEveryMs: 1_000, fetchImpl, log: (l) => lines.push(l) });
    await simulator.done;
    expect(invalid).toBe(0);
    expect(simulator.tally.accepted).toBeGreaterThan(50);
    expect(simulator.tally.rejected.get("SEQUENCE_REPLAY")).toBeUndefined();
    expect(lines.some((l) => l.startsWith("final: sent"))).toBe(true);
  });
});

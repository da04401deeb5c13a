import mqtt, { type MqttClient } from "mqtt";
import { MAX_BATCH_MESSAGES, MAX_BODY_BYTES } from "../ingest/limits";
import type { DeviceAgent, Tally, WireResult } from "./outbox";

/**
 * MQTT devices (docs/device-protocol.md §8): one connection per device, as
 * field devices have (and the broker rate-limits per connection). A device
 * publishes its outbox head as one QoS 1 batch on devices/<address>/telemetry
 * and reads per-message results from …/telemetry/results, matched by sequence.
 * The app's broker publishes results before it sends PUBACK on the same
 * connection, so by PUBACK a device has its results.
 */

const PUBACK_TIMEOUT_MS = 30_000;

export interface MqttSenderOptions {
  url: string;
  tally: Tally;
  log: (line: string) => void;
}

interface Link {
  client: MqttClient;
  /** Latest result per sequence (decimal) from the results topic. */
  results: Map<string, WireResult>;
  /** Connected and subscribed to its results (so the first publish's results are not missed). */
  ready: boolean;
}

export class MqttSender {
  private readonly links = new Map<DeviceAgent, Link>();
  private readonly pending = new Set<Promise<void>>();
  private readonly loggedErrors = new Set<string>();

  constructor(private readonly options: MqttSenderOptions) {}

  dispatch(agents: readonly DeviceAgent[], nowMs: number): void {
    for (const agent of agents) {
      if (!agent.ready(nowMs)) continue;
      const promise = this.publish(agent);
      this.pending.add(promise);
      void promise.finally(() => this.pending.delete(promise));
    }
  }

  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((link) => link.client.endAsync(true).catch(() => undefined)));
    this.links.clear();
  }

  /** Devices with a live broker connection. */
  connectedCount(): number {
    let connected = 0;
    for (const link of this.links.values()) if (link.client.connected) connected++;
    return connected;
  }

  private link(agent: DeviceAgent): Link {
    const existing = this.links.get(agent);
    if (existing) return existing;
    const address = agent.device.address.toLowerCase();
    const client = mqtt.connect(this.options.url, {
      clientId: `sim-${address}`,
      clean: true,
      reconnectPeriod: 5_000,
      connectTimeout: 10_000,
    });
    const link: Link = { client, results: new Map(), ready: false };
    client.on("connect", () => {
      client.subscribe(`devices/${address}/telemetry/results`, { qos: 1 }, (error) => {
        if (error) this.logOnce(`subscribe`, `device #${agent.device.index}: cannot subscribe to its results: ${error.message}`);
        link.ready = true;
      });
    });
    client.on("close", () => {
      link.ready = false;
    });
    client.on("message", (_topic, payload) => {
      try {
        const { results } = JSON.parse(payload.toString("utf8")) as { results: WireResult[] };
        for (const result of results) if (result.sequence !== undefined) link.results.set(result.sequence, result);
      } catch {
        this.logOnce("results", `device #${agent.device.index}: unreadable results payload`);
      }
    });
    client.on("error", (error) => this.logOnce(`error:${error.message}`, `MQTT ${this.options.url}: ${error.message}`));
    this.links.set(agent, link);
    return link;
  }

  private async publish(agent: DeviceAgent): Promise<void> {
    const { tally, log } = this.options;
    const link = this.link(agent);
    if (!link.ready || !link.client.connected) return; // still connecting: the readings wait in the outbox
    const entries = agent.take(MAX_BATCH_MESSAGES, MAX_BODY_BYTES - 16);
    for (const entry of entries) link.results.delete(entry.sequence.toString());
    tally.sent += entries.length;
    const payload = `{"messages":[${entries.map((e) => e.json).join(",")}]}`;
    const topic = `devices/${agent.device.address.toLowerCase()}/telemetry`;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        link.client.publishAsync(topic, payload, { qos: 1 }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no PUBACK within ${PUBACK_TIMEOUT_MS / 1000} s`)), PUBACK_TIMEOUT_MS);
        }),
      ]);
      const results = entries.map((entry) => link.results.get(entry.sequence.toString()));
      for (const line of agent.settle(results, Date.now(), tally)) log(line);
    } catch (error) {
      // No PUBACK means "unknown": resend the same payload later; stored messages come back as duplicates.
      this.logOnce(`publish:${agent.device.index}`, `device #${agent.device.index}: publish failed: ${error instanceof Error ? error.message : String(error)}`);
      agent.unsettled(Date.now(), tally);
    } finally {
      clearTimeout(timer);
    }
  }

  private logOnce(key: string, line: string): void {
    if (this.loggedErrors.has(key)) return;
    this.loggedErrors.add(key);
    this.options.log(line);
  }
}

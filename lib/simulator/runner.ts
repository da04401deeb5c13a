import { toWireJson } from "../ingest/message";
import type { SimDevice } from "./fleet";
import { HttpSender } from "./http-sender";
import { MqttSender } from "./mqtt-sender";
import { DeviceAgent, emptyTally, type Tally } from "./outbox";
import { outageAt } from "./schedule";
import { signReading } from "./signer";
import { readingsBetween } from "./telemetry";

/**
 * Runs a simulated fleet against a live DePIN Hub: every tick each device
 * takes the readings that fell due since the last tick (readingTimes in
 * schedule.ts), signs them into its outbox, and sends its outbox over HTTP
 * batches or its own MQTT connection, unless it is in a network outage (then
 * the readings wait and go out in one batch when it is back, as a real device
 * drains its buffer). A status line goes out every statusEveryMs.
 */

export interface RunnerOptions {
  devices: readonly SimDevice[];
  /** Base URL of the web app, e.g. http://localhost:3000. */
  appUrl: string;
  /** Broker URL for MQTT devices; null sends every device over HTTP. */
  mqttUrl: string | null;
  /** Stop after this long; undefined runs until stop(). */
  durationMs?: number;
  tickMs?: number;
  statusEveryMs?: number;
  /** Readings a device buffers before dropping the oldest (its flash). */
  maxOutboxPerDevice?: number;
  log?: (line: string) => void;
  fetchImpl?: typeof fetch;
  clock?: () => number;
}

export interface RunningSimulator {
  tally: Tally;
  /** Resolves when the run ends (duration reached or stop()). */
  done: Promise<void>;
  stop(): Promise<void>;
  statusLine(): string;
}

export function startSimulator(options: RunnerOptions): RunningSimulator {
  const log = options.log ?? console.log;
  const clock = options.clock ?? Date.now;
  const tickMs = options.tickMs ?? 1_000;
  const statusEveryMs = options.statusEveryMs ?? 30_000;
  const tally = emptyTally();
  const startedAt = clock();
  const agents = options.devices.map((device) => new DeviceAgent(device, startedAt, options.maxOutboxPerDevice ?? 5_000));
  const useMqtt = options.mqttUrl !== null;
  const httpAgents = agents.filter((a) => !useMqtt || a.device.transport === "http");
  const mqttAgents = useMqtt ? agents.filter((a) => a.device.transport === "mqtt") : [];
  const http = new HttpSender({ url: options.appUrl, tally, log, fetchImpl: options.fetchImpl });
  const mqtt = options.mqttUrl !== null ? new MqttSender({ url: options.mqttUrl, tally, log }) : null;

  let previousStatus = { at: startedAt, sent: 0 };
  function statusLine(): string {
    const now = clock();
    const online = agents.filter((a) => outageAt(a.device, now) === null).length;
    const queued = agents.reduce((sum, a) => sum + a.outbox.length, 0);
    const rate = ((tally.sent - previousStatus.sent) / Math.max(1, (now - previousStatus.at) / 1000)).toFixed(1);
    previousStatus = { at: now, sent: tally.sent };
    const rejected = [...tally.rejected].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code} ${n}`).join(", ") || "none";
    const mqttPart = mqtt ? ` · mqtt ${mqtt.connectedCount()}/${mqttAgents.length} connected` : "";
    return (
      `sent ${tally.sent} (${rate}/s) · accepted ${tally.accepted} · duplicate ${tally.duplicate}` +
      (tally.acknowledged > 0 ? ` · acked ${tally.acknowledged}` : "") +
      ` · rejected: ${rejected} · retries ${tally.retries} · online ${online}/${agents.length} · outbox ${queued}` +
      (tally.dropped > 0 ? ` · dropped ${tally.dropped}` : "") +
      mqttPart
    );
  }

  function tick(): void {
    const now = clock();
    for (const agent of agents) {
      const readings = readingsBetween(agent.device, agent.cursorMs, now);
      agent.cursorMs = now;
      if (readings.length === 0) continue;
      agent.enqueue(
        readings.map((reading) => ({ sequence: reading.sequence, json: JSON.stringify(toWireJson(signReading(agent.device.privateKey, reading))) })),
        tally,
      );
    }
    const reachable = (a: DeviceAgent) => outageAt(a.device, now) === null;
    http.dispatch(httpAgents.filter(reachable), now);
    mqtt?.dispatch(mqttAgents.filter(reachable), now);
  }

  let stopped = false;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const tickTimer = setInterval(() => {
    try {
      tick();
    } catch (error) {
      log(`tick failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }, tickMs);
  const statusTimer = setInterval(() => log(statusLine()), statusEveryMs);
  const durationTimer = options.durationMs !== undefined ? setTimeout(() => void stop(), options.durationMs) : undefined;

  const byTransport = mqtt ? `${httpAgents.length} over HTTP ${options.appUrl}, ${mqttAgents.length} over MQTT ${options.mqttUrl}` : `all over HTTP ${options.appUrl}`;
  log(`simulating ${agents.length} devices (${byTransport})`);

  async function stop(): Promise<void> {
    if (stopped) return done;
    stopped = true;
    clearInterval(tickTimer);
    clearInterval(statusTimer);
    clearTimeout(durationTimer);
    // Let in-flight requests finish so the final tally is complete.
    await Promise.race([Promise.all([http.drain(), mqtt?.drain()]), new Promise((r) => setTimeout(r, 10_000))]);
    await mqtt?.close();
    log(`final: ${statusLine()}`);
    resolveDone();
    return done;
  }

  return { tally, done, stop, statusLine };
}

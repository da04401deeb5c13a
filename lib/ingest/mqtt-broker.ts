import "server-only";
import { createServer, type Server } from "node:net";
import type { Address } from "viem";
import { Aedes, type AedesPublishPacket, type Client, type PublishPacket, type Subscription } from "aedes";
import { CLIENT_RATE_LIMIT, MAX_BODY_BYTES } from "./limits";
import { deviceFromTopic } from "./message";
import { ingestMqttPayload, resultsPayload, wholePayloadRejected } from "./mqtt-payload";
import { MqttPacketGuard } from "./mqtt-packet-guard";
import type { IngestDeps, IngestResult } from "./pipeline";
import { TokenBuckets } from "../http/rate-limit";

/**
 * The app's own MQTT 3.1.1/5 broker (aedes) for devices (docs/device-protocol.md §8),
 * run when MQTT_URL is unset. A PUBLISH on devices/<address>/telemetry is verified
 * and stored inside aedes' authorizePublish hook, which runs before the broker
 * sends PUBACK: PUBACK therefore means "committed". Results go to
 * devices/<address>/telemetry/results. Nothing else may be published, and only
 * results topics may be subscribed to.
 */

export interface MqttBrokerOptions {
  port: number;
  host?: string;
  ingest: IngestDeps;
  log?: (line: string) => void;
}

export interface RunningMqttBroker {
  port: number;
  stop(): Promise<void>;
}

/**
 * Largest MQTT packet accepted: a maximal payload plus room for the topic and
 * MQTT 5 properties. Bigger packets close the connection as soon as their
 * header arrives instead of being buffered (a payload a little over
 * MAX_BODY_BYTES still gets a PAYLOAD_TOO_LARGE result).
 */
export const MAX_MQTT_PACKET_BYTES = MAX_BODY_BYTES + 4 * 1024;

const RESULTS_TOPIC = /^devices\/(0x[0-9a-f]{40}|\+)\/telemetry\/results$/;

export async function startMqttBroker({ port, host = "0.0.0.0", ingest, log = () => {} }: MqttBrokerOptions): Promise<RunningMqttBroker> {
  const connectionLimiter = new TokenBuckets({ ratePerSecond: CLIENT_RATE_LIMIT.requestsPerSecond, burst: CLIENT_RATE_LIMIT.burst });
  // aedes may authorize several PUBLISH packets of one connection at once; a
  // per-connection chain keeps them in arrival order so sequence numbers of
  // consecutive publishes are never judged out of order.
  const queues = new WeakMap<Client, Promise<void>>();

  const broker = await Aedes.createBroker({
    authorizePublish(client, packet, callback) {
      if (!client) return callback(new Error("server-side publishes are not accepted"));
      const previous = queues.get(client) ?? Promise.resolve();
      const next = previous.then(() =>
        handleTelemetryPublish(client, packet).then(
          () => callback(null),
          (error: unknown) => {
            // Withholding PUBACK (the connection closes) tells the device "unknown: resend".
            log(`publish on ${packet.topic} from ${client.id} not acknowledged: ${error instanceof Error ? error.message : String(error)}`);
            callback(error instanceof Error ? error : new Error(String(error)));
          },
        ),
      );
      queues.set(client, next);
    },
    authorizeSubscribe(_client, subscription: Subscription, callback) {
      // Negative SUBACK (0x80) for anything but results topics.
      callback(null, RESULTS_TOPIC.test(subscription.topic) ? subscription : null);
    },
    authorizeForward(_client, packet: AedesPublishPacket) {
      return RESULTS_TOPIC.test(packet.topic) ? packet : null;
    },
  });

  async function handleTelemetryPublish(client: Client, packet: PublishPacket): Promise<void> {
    const device = deviceFromTopic(packet.topic);
    if (!device) throw new Error(`topic ${JSON.stringify(packet.topic)} is not devices/<lowercase address>/telemetry`);
    const results = await resultsFor(client, packet, device);
    await publishResults(`${packet.topic}/results`, results);
  }

  async function resultsFor(client: Client, packet: PublishPacket, device: Address): Promise<IngestResult[]> {
    if (!connectionLimiter.take(client.id).ok) return wholePayloadRejected("RATE_LIMITED", "(connection publish rate)");
    return ingestMqttPayload(ingest, device, packet.payload);
  }

  function publishResults(topic: string, results: IngestResult[]): Promise<void> {
    const packet: PublishPacket = {
      cmd: "publish",
      topic,
      payload: resultsPayload(results),
      qos: 1,
      retain: false,
      dup: false,
    };
    // Results are best effort (nobody may be subscribed); a failure must not withhold PUBACK.
    return new Promise((resolve) => broker.publish(packet, () => resolve()));
  }

  broker.on("clientError", (client, error) => log(`client ${client.id}: ${error.message}`));
  broker.on("connectionError", (_client, error) => log(`connection error: ${error.message}`));

  const server: Server = createServer((socket) => {
    socket.on("error", () => undefined); // resets are routine for field devices
    broker.handle(socket);
    // After aedes' 'readable' listener, so this sees each chunk as aedes reads it without changing the flow.
    const guard = new MqttPacketGuard(MAX_MQTT_PACKET_BYTES);
    socket.on("data", (chunk: Buffer) => {
      const verdict = guard.feed(chunk);
      if (verdict === "ok" || socket.destroyed) return;
      log(`closing connection from ${socket.remoteAddress ?? "?"}: ${verdict === "too_large" ? `packet over ${MAX_MQTT_PACKET_BYTES} bytes` : "malformed packet length"}`);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => log(`server error: ${error.message}`));
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  log(`MQTT broker listening on ${host}:${boundPort}`);

  return {
    port: boundPort,
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

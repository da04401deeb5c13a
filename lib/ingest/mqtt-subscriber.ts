import "server-only";
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import { deviceFromTopic } from "./message";
import { ingestMqttPayload, resultsPayload } from "./mqtt-payload";
import type { IngestDeps } from "./pipeline";

/**
 * Ingest from an external broker (MQTT_URL: Mosquitto, EMQX …) instead of the
 * app's own. Every instance joins one MQTT 5 shared subscription, so the
 * broker hands each PUBLISH to one of them and N instances split the load.
 *
 * Durability: the device's PUBACK comes from the broker, so the broker holds
 * the message until *we* acknowledge it. With customHandleAcks our PUBACK is
 * sent only after ingest committed; if storage fails we send none and drop the
 * connection, and the broker redelivers everything unacknowledged when the
 * persistent session (same client id, clean start off) reconnects.
 *
 * mqtt.js hands over one incoming packet at a time and waits for the ack
 * callback before the next, so one instance stores its messages in arrival order.
 */

export const SHARE_GROUP = "depin-hub";
export const TELEMETRY_FILTER = "devices/+/telemetry";
/** How long the broker keeps our session (and unacknowledged messages) while we are away. */
const SESSION_EXPIRY_SECONDS = 24 * 60 * 60;

export interface MqttSubscriberOptions {
  url: string;
  /** Stable across restarts so the broker redelivers what the previous run left unacknowledged. */
  clientId: string;
  ingest: IngestDeps;
  group?: string;
  log?: (line: string) => void;
  /** Extra mqtt.js options (credentials, TLS). */
  connectOptions?: IClientOptions;
}

export interface RunningMqttSubscriber {
  /** PUBLISH packets this instance stored and acknowledged. */
  readonly handled: number;
  stop(): Promise<void>;
}

export async function startMqttSubscriber({ url, clientId, ingest, group = SHARE_GROUP, log = () => {}, connectOptions = {} }: MqttSubscriberOptions): Promise<RunningMqttSubscriber> {
  let handled = 0;
  let stopping = false;
  const client: MqttClient = connect(url, {
    reconnectPeriod: 1000,
    ...connectOptions,
    protocolVersion: 5,
    clientId,
    clean: false,
    properties: { ...connectOptions.properties, sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
    customHandleAcks(topic, payload, _packet, done) {
      const device = deviceFromTopic(topic);
      if (!device) {
        // Not a telemetry topic of ours (e.g. uppercase address): nothing to store, nothing to redeliver.
        log(`ignoring a publish on ${JSON.stringify(topic)}`);
        return done(0);
      }
      ingestMqttPayload(ingest, device, payload).then(
        (results) => {
          // Fire and forget: awaiting the broker's PUBACK here would wait on the
          // very packet stream this callback is holding up.
          client.publish(`${topic}/results`, resultsPayload(results), { qos: 1 }, () => undefined);
          handled += 1;
          done(0);
        },
        (error: unknown) => {
          log(`publish on ${topic} not acknowledged: ${error instanceof Error ? error.message : String(error)}`);
          done(error instanceof Error ? error : new Error(String(error)));
          // Without a PUBACK the broker resends only on a new connection of this session.
          if (!stopping) client.stream.destroy();
        },
      );
    },
  });
  client.on("error", (error) => log(`external broker: ${error.message}`));
  client.on("connect", (connack) => {
    log(`connected to ${url} as ${clientId}${connack.sessionPresent ? " (session resumed)" : ""}`);
    // With a resumed session the broker still has the subscription; subscribing again is harmless.
    client.subscribe(`$share/${group}/${TELEMETRY_FILTER}`, { qos: 1 }, (error, granted) => {
      if (error) log(`subscribe failed: ${error.message}`);
      else if (granted?.some((g) => g.qos > 2)) log(`subscribe refused by the broker (reason ${granted.map((g) => g.qos).join(", ")})`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      client.off("connect", onConnect);
      reject(error);
    };
    const onConnect = () => {
      client.off("error", onError);
      resolve();
    };
    client.once("connect", onConnect);
    client.once("error", onError);
  });
  return {
    get handled() {
      return handled;
    },
    async stop() {
      stopping = true;
      await client.endAsync();
    },
  };
}

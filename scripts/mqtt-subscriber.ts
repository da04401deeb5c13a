/**
 * Ingest from the external broker at MQTT_URL (lib/ingest/mqtt-subscriber.ts)
 * as its own process. `npm start` runs it instead of the app's broker when
 * MQTT_URL is set; run more of them (anywhere) to split the load. Stops on
 * SIGINT/SIGTERM.
 */
import { hostname } from "node:os";
import { ConfigError, parseServerEnv } from "../lib/config/env";
import { createIngestDeps } from "../lib/ingest/pipeline";
import { startMqttSubscriber } from "../lib/ingest/mqtt-subscriber";
import { createIngestPool } from "../lib/ingest/store";

async function main(): Promise<void> {
  const env = parseServerEnv();
  const missing = [
    ...(env.DATABASE_URL ? [] : ["DATABASE_URL: required by the MQTT subscriber (npm start sets it)"]),
    ...(env.MQTT_URL ? [] : ["MQTT_URL: the external broker to subscribe to"]),
  ];
  if (!env.DATABASE_URL || !env.MQTT_URL) throw new ConfigError(missing);
  const pool = createIngestPool(env.DATABASE_URL);
  const subscriber = await startMqttSubscriber({
    url: env.MQTT_URL,
    clientId: env.MQTT_CLIENT_ID ?? `depin-hub-ingest-${hostname()}`,
    ingest: createIngestDeps(pool),
    log: console.log,
  });
  const stop = async () => {
    await subscriber.stop();
    await pool.end();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

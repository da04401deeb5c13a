/**
 * The app's MQTT broker for devices (lib/ingest/mqtt-broker.ts) as its own
 * process, on MQTT_PORT. `npm start` runs it when MQTT_URL is unset. Stops on
 * SIGINT/SIGTERM.
 */
import { ConfigError, parseServerEnv } from "../lib/config/env";
import { startMqttBroker } from "../lib/ingest/mqtt-broker";
import { createIngestDeps } from "../lib/ingest/pipeline";
import { createIngestPool } from "../lib/ingest/store";

async function main(): Promise<void> {
  const env = parseServerEnv();
  if (!env.DATABASE_URL) throw new ConfigError(["DATABASE_URL: required by the MQTT broker (npm start sets it)"]);
  const pool = createIngestPool(env.DATABASE_URL);
  const broker = await startMqttBroker({ port: env.MQTT_PORT, ingest: createIngestDeps(pool), log: console.log });
  const stop = async () => {
    await broker.stop();
    await pool.end();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

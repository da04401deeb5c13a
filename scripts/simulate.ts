/**
 * The device fleet simulator (lib/simulator) against a running DePIN Hub:
 * registers the simulated devices on-chain in the demo project (idempotent),
 * then sends their signed readings over HTTP and MQTT until stopped.
 *
 *   npx tsx scripts/simulate.ts [--devices 50] [--url http://localhost:3000] [--mqtt mqtt://localhost:1883]
 *                               [--interval 10s] [--seed 1] [--duration 10m] [--http-only] [--no-register]
 *   npx tsx scripts/simulate.ts --describe [--devices 50]        # the fleet as JSON (kinds, cities, faults)
 *   npx tsx scripts/simulate.ts --bench [--devices 100000] [--threads 2] [--window 10s]
 *                                                              # generate + sign one window, print messages/s
 *
 * Flags fall back to the environment: SIMULATOR_DEVICES, APP_URL (else
 * http://localhost:$PORT), MQTT_URL (else mqtt://localhost:$MQTT_PORT), and for
 * registration RPC_URL, CHAIN_ID, DEPLOYMENTS_FILE, DEPLOYER_PRIVATE_KEY.
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import type { Hex } from "viem";
import { LOCAL_DEV_PRIVATE_KEY } from "../lib/chain/deploy";
import { readDeployment } from "../lib/chain/deployments";
import { DEFAULT_FLEET_SIZE, describeFleet, generateFleet, parseSeed, type FleetOptions } from "../lib/simulator/fleet";
import { parallelSignedWindow } from "../lib/simulator/parallel";
import { registerSimulatedFleet } from "../lib/simulator/registration";
import { startSimulator } from "../lib/simulator/runner";

const { values } = parseArgs({
  options: {
    devices: { type: "string" },
    url: { type: "string" },
    mqtt: { type: "string" },
    interval: { type: "string", default: "10s" },
    seed: { type: "string", default: "1" },
    duration: { type: "string" },
    "http-only": { type: "boolean", default: false },
    "no-register": { type: "boolean", default: false },
    describe: { type: "boolean", default: false },
    bench: { type: "boolean", default: false },
    threads: { type: "string" },
    window: { type: "string", default: "10s" },
  },
});

const log = (line: string) => console.log(line);

/** "500ms", "10s", "5m", "2h", or plain seconds. */
function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)} (use e.g. 500ms, 10s, 5m, 2h)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"] ?? 1_000;
  return Math.round(Number(match[1]) * unit);
}

function positiveInt(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

const env = process.env;
const fleet: FleetOptions = {
  seed: parseSeed(values.seed),
  size: positiveInt(values.devices ?? env.SIMULATOR_DEVICES ?? String(DEFAULT_FLEET_SIZE), "--devices"),
  intervalMs: parseDuration(values.interval),
  mqttEvery: values["http-only"] ? 0 : 3,
};

async function register(devices: ReturnType<typeof generateFleet>): Promise<void> {
  const chainId = Number(env.CHAIN_ID ?? 31337);
  const rpcUrl = env.RPC_URL ?? `http://127.0.0.1:${env.ANVIL_PORT ?? 8545}`;
  const deploymentsFile = env.DEPLOYMENTS_FILE ?? (chainId === 31337 ? `${env.DATA_DIR ?? ".data"}/deployments.json` : "deployments.json");
  const deployment = readDeployment(deploymentsFile, chainId);
  const adminPrivateKey = (env.DEPLOYER_PRIVATE_KEY as Hex | undefined) ?? (chainId === 31337 ? LOCAL_DEV_PRIVATE_KEY : undefined);
  if (!deployment || !adminPrivateKey) {
    log(`not registering devices: ${deployment ? "no DEPLOYER_PRIVATE_KEY for this chain" : `no deployment for chain ${chainId} in ${deploymentsFile}`}; non-demo devices will get UNKNOWN_DEVICE`);
    return;
  }
  const others = devices.filter((d) => !d.demo).map((d) => ({ address: d.address, model: d.model }));
  const report = await registerSimulatedFleet({ rpcUrl, deployment, adminPrivateKey, devices: others, log });
  log(`registration: ${report.registered} newly registered, ${report.alreadyRegistered} already registered in project #${report.projectId}`);
}

async function bench(): Promise<void> {
  const windowMs = parseDuration(values.window);
  const fromMs = Date.now();
  const threads = values.threads !== undefined ? Number(values.threads) : undefined;
  log(`generating and signing ${windowMs / 1000} s of readings for ${fleet.size} devices (interval ${fleet.intervalMs} ms)…`);
  const result = await parallelSignedWindow({ fleet, fromMs, toMs: fromMs + windowMs, threads });
  const messages = result.devices.reduce((sum, d) => sum + d.messages.length, 0);
  const bytes = result.devices.reduce((sum, d) => sum + d.messages.reduce((s, m) => s + m.length, 0), 0);
  const { fleetMs, generateMs, signMs } = result.timings;
  const rate = (count: number, ms: number) => (ms > 0 ? ((count / ms) * 1000).toFixed(0) : "∞");
  log(`threads ${threads ?? "all cores"}, wall ${(result.wallMs / 1000).toFixed(1)} s: ${messages} messages (${(bytes / messages).toFixed(0)} B JSON each)`);
  log(`  whole pipeline (fleet + generate + sign), wall clock: ${rate(messages, result.wallMs)} messages/s`);
  log(`  per thread CPU: fleet build ${rate(fleet.size, fleetMs)} devices/s · generate ${rate(messages, generateMs)} readings/s · sign+JSON ${rate(messages, signMs)} messages/s`);
  const threadCount = Math.max(1, threads ?? availableParallelism());
  log(`  steady state (fleet built once), ${threadCount} threads: ~${rate(messages, (generateMs + signMs) / threadCount)} messages/s`);
  const needed = (fleet.size / (fleet.intervalMs ?? 10_000)) * 1000;
  log(`  a live fleet of ${fleet.size} at this interval needs ${needed.toFixed(0)} messages/s`);
}

async function main(): Promise<void> {
  if (values.bench) return bench();
  const devices = generateFleet(fleet);
  if (values.describe) {
    console.log(JSON.stringify(describeFleet(devices), null, 2));
    return;
  }
  if (!values["no-register"]) await register(devices);
  const appUrl = values.url ?? env.APP_URL ?? `http://localhost:${env.PORT ?? 3000}`;
  const mqttUrl = values["http-only"] ? null : (values.mqtt ?? env.MQTT_URL ?? `mqtt://localhost:${env.MQTT_PORT ?? 1883}`);
  const faulty = devices.filter((d) => d.fault).map((d) => `#${d.index} ${d.fault?.kind}`);
  if (faulty.length > 0) log(`misbehaving devices (the quality checks should flag them): ${faulty.join(", ")}`);
  const simulator = startSimulator({
    devices,
    appUrl,
    mqttUrl,
    durationMs: values.duration !== undefined ? parseDuration(values.duration) : undefined,
    log,
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void simulator.stop());
  await simulator.done;
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

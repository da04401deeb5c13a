import { z } from "zod";

/**
 * Every environment variable the server side reads, validated in one place.
 * Unset optional services (DATABASE_URL, RPC_URL) mean "start the embedded
 * one": the start script fills them in before the app and worker boot.
 */
const KNOWN_CHAIN_IDS = [31337, 4690, 4689] as const;

const serverEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  RPC_URL: z.url({ protocol: /^(https?|wss?)$/ }).optional(),
  /**
   * Comma-separated RPC URLs, in order of preference: every server-side chain client tries
   * them in turn (viem `fallback`, ranking off; lib/chain/transport.ts). With RPC_URL too,
   * RPC_URL comes first. After parsing, RPC_URLS is the full list and RPC_URL its first entry.
   */
  RPC_URLS: z
    .string()
    .transform((value) => value.split(",").map((url) => url.trim()).filter((url) => url !== ""))
    .pipe(z.array(z.url({ protocol: /^(https?|wss?)$/ })).min(1, "must list at least one URL"))
    .optional(),
  /** Per-request timeout of each RPC URL before the next one is tried. */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  CHAIN_ID: z.coerce
    .number()
    .int()
    .refine((id) => (KNOWN_CHAIN_IDS as readonly number[]).includes(id), {
      message: `must be one of ${KNOWN_CHAIN_IDS.join(", ")} (local anvil, IoTeX testnet, IoTeX mainnet)`,
    })
    .default(31337),
  /** Private key that deploys contracts and seeds the demo on the local chain. */
  DEPLOYER_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
    .optional(),
  /** Reward epoch length (docs/rewards.md); unset: a day, or 5 minutes in `npm start`'s local demo. */
  REWARD_EPOCH_SECONDS: z.coerce.number().int().min(60).max(45 * 86400).optional(),
  /**
   * How long a reward epoch's lease lasts without renewal: the worker running a step (prove, submit) renews it every
   * third of that, so this is how long the epoch of a worker killed mid-step waits for another worker.
   */
  REWARD_EPOCH_LEASE_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  /**
   * How long after its window's end an epoch waits for readings measured inside the window that arrive late (a
   * device uploading its buffer); later ones do not count. Unset: a tenth of the epoch, at most an hour.
   */
  REWARD_EPOCH_SETTLE_SECONDS: z.coerce.number().int().min(0).max(86400).optional(),
  /** Key that submits reward proofs (a project admin or operator); defaults to DEPLOYER_PRIVATE_KEY, then the local dev key on 31337. */
  REWARD_SUBMITTER_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
    .optional(),
  /** Key the worker attests marketplace deliveries with (a Marketplace attester); defaults to DEPLOYER_PRIVATE_KEY, then anvil's dev key on 31337. */
  MARKET_ATTESTER_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
    .optional(),
  /** Public origin of the web app; SIWE messages must name its host. */
  APP_URL: z.url().default("http://localhost:3000"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default(".data"),
  PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  ANVIL_PORT: z.coerce.number().int().min(1).max(65535).default(8545),
  DEPLOYMENTS_FILE: z.string().min(1).default("deployments.json"),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 7),
  NONCE_TTL_SECONDS: z.coerce.number().int().positive().default(300),
  /** A worker whose last heartbeat is older than this is reported unhealthy. */
  WORKER_STALE_SECONDS: z.coerce.number().int().positive().default(30),
  WORKER_TICK_MS: z.coerce.number().int().positive().default(5000),
  /** Blocks the chain indexer stays behind the head; unset = 0 on the local chain (31337), 12 elsewhere. */
  INDEXER_CONFIRMATIONS: z.coerce.number().int().min(0).optional(),
  /** Most blocks the chain indexer reads per batch (one eth_getLogs call, one transaction). */
  INDEXER_BATCH_BLOCKS: z.coerce.number().int().positive().default(1000),
  EXPLORER_URL: z.url().optional(),
  /** External MQTT 5 broker (Mosquitto, EMQX) the subscriber ingests from (shared subscription); unset = the app runs its own broker (aedes). */
  MQTT_URL: z.url({ protocol: /^(mqtts?|wss?)$/ }).optional(),
  /**
   * Client id of the external-broker subscriber (scripts/mqtt-subscriber.ts); must be stable across
   * restarts and unique per instance. Default: depin-hub-ingest-<hostname>.
   */
  MQTT_CLIENT_ID: z.string().regex(/^[\x21-\x7e]{1,64}$/, "printable ASCII without spaces, 1–64 characters").optional(),
  /** Port of the app's own MQTT broker when MQTT_URL is unset. */
  MQTT_PORT: z.coerce.number().int().min(1).max(65535).default(1883),
  /** Seed the demo project and fleet on start; defaults to on for the local chain only. */
  SEED_DEMO: z.stringbool().optional(),
  /** `npm start` runs the device simulator (lib/simulator) unless this is off. */
  SIMULATOR: z.stringbool().default(true),
  SIMULATOR_DEVICES: z.coerce.number().int().positive().max(100_000).default(50),
  /** RPC the browser's wallet libraries read from; defaults to RPC_URL (never put a keyed URL here). */
  PUBLIC_RPC_URL: z.url({ protocol: /^(https?|wss?)$/ }).optional(),
  /** Enables WalletConnect-based wallets in the connect modal; injected wallets work without it. */
  WALLETCONNECT_PROJECT_ID: z.string().min(1).optional(),
  /** A hosted MapLibre/Mapbox style for /map (OpenFreeMap, a tile server, Mapbox with its token); unset = the offline basemap. */
  MAP_STYLE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Alert webhooks to http(s)://localhost; unset = allowed outside production only (lib/admin/webhook-url.ts). */
  WEBHOOK_ALLOW_LOCALHOST: z.stringbool().optional(),
});

/** RPC_URLS is always the full ordered list (possibly empty) and RPC_URL its first entry. */
export type ServerEnv = Omit<z.infer<typeof serverEnvSchema>, "RPC_URLS"> & { RPC_URLS: string[] };

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment (process.env by default); throws a ConfigError naming every bad variable. */
export function parseServerEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  // Treat empty strings as unset so `FOO= npm start` behaves like no FOO.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = serverEnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const rpcUrls = [...new Set([...(result.data.RPC_URL ? [result.data.RPC_URL] : []), ...(result.data.RPC_URLS ?? [])])];
  return { ...result.data, RPC_URL: rpcUrls[0], RPC_URLS: rpcUrls };
}

let cached: ServerEnv | undefined;

/** The validated process environment, parsed once. */
export function serverEnv(): ServerEnv {
  cached ??= parseServerEnv();
  return cached;
}

/** Shape of GET /api/health; shared by the route, the home page and the start script's readiness wait. */
export interface DatabaseCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface ChainCheck {
  ok: boolean;
  latencyMs: number;
  /** The configured chain id; the RPC's answer must match it. */
  chainId: number;
  blockNumber?: number;
  /** Deployment file names this chain and code exists at the registry addresses. */
  contractsDeployed: boolean;
  error?: string;
}

export interface WorkerCheck {
  ok: boolean;
  /** Workers whose heartbeat is fresher than WORKER_STALE_SECONDS. */
  instances: number;
  lastBeatAt: string | null;
  ageSeconds: number | null;
  error?: string;
}

export interface HealthReport {
  status: "ok" | "degraded";
  checks: { database: DatabaseCheck; chain: ChainCheck; worker: WorkerCheck };
}

export function overallStatus(checks: HealthReport["checks"]): HealthReport["status"] {
  return checks.database.ok && checks.chain.ok && checks.worker.ok ? "ok" : "degraded";
}

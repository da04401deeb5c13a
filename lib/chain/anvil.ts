import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { foundryBinary } from "./foundry-bin";

export const ANVIL_CHAIN_ID = 31337;
/** Dev accounts anvil funds: 0–9 are its defaults; 10–19 give end-to-end specs wallets no other spec uses. */
export const ANVIL_DEV_ACCOUNTS = 20;

export interface StartAnvilOptions {
  port: number;
  /** Load the chain from this file if it exists and save it there on stop, so the chain survives restarts. */
  statePath?: string;
  /** Seconds between blocks; omitted = mine one block per transaction (anvil's default). */
  blockTime?: number;
  /** Receives anvil's output line by line (its startup banner of dev keys is left out). */
  log?: (line: string) => void;
  host?: string;
  /** How long to wait for JSON-RPC to answer after spawning. */
  startTimeoutMs?: number;
}

export interface AnvilHandle {
  rpcUrl: string;
  /** Stops anvil (which saves its state file first) and waits for the process to exit. Safe to call twice. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;
/** anvil prints the dev accounts and their private keys before this line; we forward only what follows. */
const BANNER_END = /Listening on/;

/** Resolves once `url` answers eth_chainId; rejects after `timeoutMs`. Returns the chain id. */
export async function waitForRpc(url: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await rpcChainId(url, Math.min(1_000, Math.max(deadline - Date.now(), 1)));
    } catch (error) {
      lastError = error;
      await sleep(100);
    }
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : "";
  throw new Error(`No JSON-RPC answer from ${url} within ${timeoutMs} ms${reason}`);
}

/** Spawns anvil (chain id 31337) and resolves once its JSON-RPC endpoint answers. */
export async function startAnvil(options: StartAnvilOptions): Promise<AnvilHandle> {
  const host = options.host ?? "127.0.0.1";
  const rpcUrl = `http://${host}:${options.port}`;

  // Otherwise the readiness probe below could be answered by whatever already holds the port.
  if (await rpcChainId(rpcUrl, 500).then(() => true, () => false)) {
    throw new Error(`Cannot start anvil: something already answers JSON-RPC at ${rpcUrl}`);
  }

  const args = ["--host", host, "--port", String(options.port), "--chain-id", String(ANVIL_CHAIN_ID), "--accounts", String(ANVIL_DEV_ACCOUNTS)];
  if (options.statePath) {
    mkdirSync(dirname(options.statePath), { recursive: true });
    args.push("--state", options.statePath);
  }
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));

  const child = spawn(foundryBinary("anvil"), args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const output = captureOutput(child, options.log);

  // If our process exits without calling stop(), take anvil with it instead of leaving it orphaned.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM"); // anvil writes --state on SIGTERM/SIGINT
        const killTimer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(killTimer);
      }
    })();
    return stopping;
  };

  try {
    await Promise.race([
      waitForRpc(rpcUrl, options.startTimeoutMs ?? 30_000),
      exited.then(() => {
        throw new Error(`anvil exited during startup (code ${child.exitCode ?? child.signalCode}):\n${output.tail()}`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  options.log?.(`anvil ready at ${rpcUrl}${options.statePath ? ` (state: ${options.statePath})` : ""}`);
  return { rpcUrl, stop };
}

/** Forwards anvil's output to `log` (minus the banner) and keeps the last lines for startup errors. */
function captureOutput(child: ChildProcess, log: ((line: string) => void) | undefined): { tail(): string } {
  const recent: string[] = [];
  let bannerDone = false;
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
    if (!bannerDone) {
      bannerDone = BANNER_END.test(line);
      return;
    }
    if (line.trim() !== "") log?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      lines.forEach(onLine);
    });
    stream.on("end", () => {
      if (pending) onLine(pending);
    });
  }
  return { tail: () => recent.join("\n") };
}

async function rpcChainId(url: string, timeoutMs: number): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { result?: unknown };
  if (typeof body.result !== "string") throw new Error(`unexpected eth_chainId answer from ${url}`);
  return Number(BigInt(body.result));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

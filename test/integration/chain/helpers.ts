import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAnvil, type AnvilHandle } from "../../../lib/chain/anvil";

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "depinhub-chain-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Starts anvil on a free port; collects every handle so afterAll can stop whatever a failed test left running. */
export function anvilPool(): { start(statePath?: string): Promise<AnvilHandle>; stopAll(): Promise<void> } {
  const started: AnvilHandle[] = [];
  return {
    async start(statePath?: string) {
      const anvil = await startAnvil({ port: await freePort(), statePath });
      started.push(anvil);
      return anvil;
    },
    async stopAll() {
      await Promise.all(started.map((anvil) => anvil.stop()));
    },
  };
}

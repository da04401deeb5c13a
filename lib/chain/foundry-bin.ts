import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export type FoundryTool = "anvil" | "forge";

const ARCH_NAMES: Partial<Record<string, string>> = { x64: "amd64", arm64: "arm64" };

/**
 * Path of the native anvil/forge binary shipped by the @foundry-rs npm packages.
 *
 * Why not node_modules/.bin: that is a Node wrapper around the binary, so
 * killing it can leave the real process running. Spawning the binary itself
 * makes the pid we signal the process that holds the port and the state file.
 * Falls back to the wrapper when the platform package is missing.
 */
export function foundryBinary(tool: FoundryTool): string {
  const require = createRequire(import.meta.url);
  const arch = ARCH_NAMES[process.arch];
  const exe = process.platform === "win32" ? `${tool}.exe` : tool;
  if (arch) {
    try {
      const manifest = require.resolve(`@foundry-rs/${tool}-${process.platform}-${arch}/package.json`);
      const binary = join(dirname(manifest), "bin", exe);
      if (existsSync(binary)) return binary;
    } catch {
      // platform package not installed; try the wrapper below
    }
  }
  try {
    const wrapperPackage = dirname(require.resolve(`@foundry-rs/${tool}/package.json`));
    const wrapper = join(wrapperPackage, "..", "..", ".bin", tool);
    if (existsSync(wrapper)) return wrapper;
  } catch {
    // fall through to the error
  }
  throw new Error(`Cannot find the ${tool} binary: is @foundry-rs/${tool} installed (npm ci)?`);
}

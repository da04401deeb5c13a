import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";

/**
 * Makes a data directory startable after an unclean exit.
 *
 * If our node process was killed, the postgres it spawned keeps running
 * (orphaned) and holds the data dir; if postgres itself was killed, its
 * postmaster.pid stays behind and the pid may since belong to another
 * process, which makes postgres refuse to start. So:
 * - pid not running, or running something other than postgres on this data
 *   dir: delete the stale file;
 * - an orphaned postgres on this data dir: shut it down (fast, clean);
 * - a postgres whose parent is still alive belongs to someone else: refuse.
 * Uses /proc; elsewhere it leaves the decision to postgres.
 */
export async function clearStalePostmasterPid(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile) || !existsSync("/proc/self")) return;

  const pid = Number.parseInt((await readFile(pidFile, "utf8")).split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return;

  const owner = await describeProcess(pid);
  if (!owner || !owner.isPostgres || !owner.args.includes(dataDir)) {
    log(`removing stale ${pidFile} (pid ${pid} is not a postgres for this data dir)`);
    await rm(pidFile, { force: true });
    return;
  }

  const parent = await describeProcess(owner.ppid);
  const orphaned = owner.ppid <= 1 || !parent || !parent.isNode;
  if (!orphaned) {
    throw new Error(
      `PostgreSQL (pid ${pid}) is already running on ${dataDir}, started by pid ${owner.ppid}. Stop that process first.`,
    );
  }
  log(`stopping orphaned postgres (pid ${pid}) left on ${dataDir} by a killed run`);
  process.kill(pid, "SIGINT"); // fast shutdown: ends sessions, checkpoints, removes postmaster.pid
  await waitForExit(pid, 15_000);
}

interface ProcessInfo {
  ppid: number;
  args: string;
  isPostgres: boolean;
  isNode: boolean;
}

async function describeProcess(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${pid}/stat`, "utf8"),
      readFile(`/proc/${pid}/cmdline`, "utf8"),
    ]);
    // stat is "pid (comm) state ppid ..."; comm may contain spaces, so split after the last ')'.
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? "", 10);
    const args = cmdline.split("\0").join(" ");
    // A zombie has an empty cmdline; it holds nothing, so treat it like a dead process.
    if (args.trim() === "") return undefined;
    return { ppid, args, isPostgres: comm === "postgres", isNode: /(^|\/)node$/.test(cmdline.split("\0")[0] ?? "") || comm === "node" };
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await describeProcess(pid))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`postgres (pid ${pid}) did not shut down within ${timeoutMs / 1000}s`);
}

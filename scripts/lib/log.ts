/** Prefixed, coloured log lines so one terminal can carry every service's output. */
const COLORS = [36, 35, 33, 32, 34, 31, 96, 95, 93, 92] as const;
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const assigned = new Map<string, number>();
let width = 6;

export type Logger = (message: string) => void;

function tag(name: string): string {
  width = Math.max(width, name.length);
  if (!assigned.has(name)) assigned.set(name, COLORS[assigned.size % COLORS.length] ?? 36);
  const label = `[${name}]`.padEnd(width + 2);
  return useColor ? `\x1b[${assigned.get(name)}m${label}\x1b[0m` : label;
}

export function logger(name: string): Logger {
  return (message) => {
    for (const line of message.split(/\r?\n/)) {
      if (line.trim() !== "") process.stdout.write(`${tag(name)} ${line}\n`);
    }
  };
}

/** Feeds a child stream into a logger line by line (a chunk may end mid-line). */
export function pipeLines(stream: NodeJS.ReadableStream, log: Logger): void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) log(line);
  });
  stream.on("end", () => {
    if (pending) log(pending);
    pending = "";
  });
}

/**
 * Keeps a long-running parent alive when whoever reads its output goes away (a closed terminal, a test runner that
 * already stopped reading): a write to the closed pipe fails with EPIPE, which unhandled kills the process in the
 * middle of its shutdown and leaves the processes it supervises running. Lines written after that are dropped.
 */
export function surviveClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
}

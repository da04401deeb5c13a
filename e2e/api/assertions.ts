import type { APIResponse } from "@playwright/test";

/** Traces of internals that must never reach a client. */
const LEAKS: Array<[string, RegExp]> = [
  ["stack frame", /\n\s+at\s|\bat\s+\S+\s+\(?(\/|file:|node:)[^)\s]*:\d+:\d+/],
  ["source path", /\/work\/|node_modules|\.next\/server/],
  ["error class", /\b(TypeError|RangeError|SyntaxError|ReferenceError|PrismaClient\w*Error|ZodError)\b/],
  ["SQL", /\b(SELECT|INSERT INTO|UPDATE \w+ SET)\b|relation "|violates .* constraint/],
];

export interface Verdict {
  problem: string | null;
  status: number;
  body: string;
}

/**
 * The contract every API answer keeps under hostile input: no 5xx (a 503
 * from the health report is its payload, not a failure), no internals in the
 * body, and errors as `{ error: { code, message } }` JSON.
 */
export async function checkApiAnswer(response: APIResponse, options: { allow503?: boolean; requireJsonErrors?: boolean } = {}): Promise<Verdict> {
  const status = response.status();
  const body = (await response.body()).toString("utf8");
  const problem = (() => {
    if (status >= 500 && !(status === 503 && options.allow503)) return `server error ${status}`;
    for (const [name, pattern] of LEAKS) if (pattern.test(body)) return `${name} in body`;
    if (status >= 400 && (options.requireJsonErrors ?? true)) {
      if (!/application\/json/.test(response.headers()["content-type"] ?? "")) return `${status} without a JSON body`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return `${status} with unparseable JSON`;
      }
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      if (typeof error?.code !== "string" || typeof error.message !== "string") return `${status} without { error: { code, message } }`;
    }
    return null;
  })();
  return { problem, status, body: body.slice(0, 300) };
}

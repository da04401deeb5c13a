/**
 * What of a reward worker's failure message the admin's epoch table shows. The stored message is the raw error
 * (viem, Prisma): it can name the RPC URL, which may carry an API key, and server file paths. The admin gets the
 * first lines with URLs and paths replaced, enough to act on ("PoolTooSmall", "insufficient funds").
 */
export function epochErrorForDisplay(message: string | null): string | null {
  if (!message) return null;
  return message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(0, 4)
    .join(" ")
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi, "<url>")
    .replace(/(?:\/[\w.@-]+){2,}(?::\d+){0,2}/g, "<path>")
    .slice(0, 500);
}

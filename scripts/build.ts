/**
 * `npm run build`: the production build of the web app, only when its sources
 * changed since the last one (the same check `npm start` makes). `npm test`
 * runs it before the integration stage, whose multi-instance tests start
 * `next start`; the e2e stage's stack then finds it fresh.
 */
import { logger } from "./lib/log";
import { ensureNextBuild } from "./lib/next-build";

const log = logger("build");
ensureNextBuild(process.cwd(), { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, log).catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

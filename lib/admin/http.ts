import "server-only";
import { getSession } from "@/lib/auth/session";
import { serverEnv } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { RateLimitedError } from "@/lib/http/errors";
import { TokenBuckets } from "@/lib/http/rate-limit";
import { parseProjectId, requireProjectAccess, type ProjectAccess } from "./access";

export type ProjectRouteContext = { params: Promise<{ id: string }> };

/**
 * Per signed-in wallet, per app instance: reads are cheap but a fleet query
 * scans a project's devices, so a burst of 60 then 5 per second.
 */
const adminBuckets = new TokenBuckets({ ratePerSecond: 5, burst: 60 });

/** The guard every admin route calls first: session, project access, rate limit. */
export async function projectAccessForRoute(context: ProjectRouteContext, cost = 1): Promise<ProjectAccess> {
  const projectId = parseProjectId((await context.params).id);
  const session = await getSession();
  const access = await requireProjectAccess(db(), session, projectId, serverEnv().CHAIN_ID);
  const taken = adminBuckets.take(access.actor, cost);
  if (!taken.ok) throw new RateLimitedError(Math.ceil(taken.retryAfterMs / 1000));
  return access;
}

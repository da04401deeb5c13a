import "server-only";
import { cache } from "react";
import { getSession } from "@/lib/auth/session";
import { serverEnv } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { DomainError } from "@/lib/http/errors";
import { parseProjectId, requireProjectAccess, type ProjectAccess } from "./access";

/** The same guard as the routes, for server-rendered admin pages: access, or the reason there is none. */
export const projectAccessForPage = cache(async (rawId: string): Promise<ProjectAccess | { denied: "signed_out" | "forbidden" }> => {
  try {
    return await requireProjectAccess(db(), await getSession(), parseProjectId(rawId), serverEnv().CHAIN_ID);
  } catch (error) {
    if (error instanceof DomainError && error.status === 401) return { denied: "signed_out" };
    if (error instanceof DomainError && error.status === 403) return { denied: "forbidden" };
    throw error;
  }
});

import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

/**
 * A PrismaClient for one connection string (Prisma 7: no engine binary, the
 * pg driver adapter does the I/O). For scripts and tests; app code uses db()
 * from ./client. Call $disconnect() when done.
 */
export function createDbClient(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

export type { PrismaClient };

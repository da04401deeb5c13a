import "server-only";
import type { PrismaClient } from "../db/generated/client";

export interface WorkerIdentity {
  workerId: string;
  host: string;
  pid: number;
  startedAt: Date;
}

/** Records that this worker is alive; /api/health reads the freshest beat. */
export async function beat(db: PrismaClient, identity: WorkerIdentity, ticks: number, now = new Date()): Promise<void> {
  await db.workerHeartbeat.upsert({
    where: { workerId: identity.workerId },
    create: { ...identity, beatAt: now, ticks },
    update: { beatAt: now, ticks },
  });
}

/** A worker that stops cleanly removes its row, so health reflects only running instances. */
export async function leave(db: PrismaClient, workerId: string): Promise<void> {
  await db.workerHeartbeat.deleteMany({ where: { workerId } });
}

/**
 * How a registration resumes without registering anything twice: before each
 * batch the chain is asked about every device in it; devices already under
 * this project are done (a previous attempt or another tab got there), devices
 * under another project stop the run, the rest are sent.
 */
export type OnChainProject = bigint; // 0n = not registered

export type BatchDecision<T> = { kind: "send"; toSend: T[]; alreadyDone: number } | { kind: "conflict"; devices: T[] };

export function decideBatch<T>(batch: readonly T[], onChainProjects: readonly OnChainProject[], projectId: bigint): BatchDecision<T> {
  const toSend: T[] = [];
  const conflicts: T[] = [];
  let alreadyDone = 0;
  batch.forEach((item, index) => {
    const registeredUnder = onChainProjects[index] ?? 0n;
    if (registeredUnder === 0n) toSend.push(item);
    else if (registeredUnder === projectId) alreadyDone++;
    else conflicts.push(item);
  });
  return conflicts.length > 0 ? { kind: "conflict", devices: conflicts } : { kind: "send", toSend, alreadyDone };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

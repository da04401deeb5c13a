import "server-only";
import { getAddress, type Address } from "viem";
import type { PrismaClient } from "../db/generated/client";
import { ownedDevices } from "../devices/queries";
import { recentActivity, RECENT_ACTIVITY_MS } from "./area";

export interface EpochEarning {
  /** ISO start of the reward epoch's window. */
  windowStart: string;
  /** RewardToken smallest units, as a decimal string. */
  amount: string;
}

/** One of the seller's devices as the "new listing" forms need it. */
export interface SellableDevice {
  address: Address;
  label: string;
  projectId: number;
  projectName: string;
  model: string;
  active: boolean;
  /** Metrics and resolution-7 cells it reported over the last week: the defaults of a feed's metrics and area. */
  recentMetrics: string[];
  recentCells: string[];
  /** Its reward epochs, newest first (at most 30), and the total of all of them: a device buyer sees what it earned. */
  earnings: EpochEarning[];
  earnedTotal: string;
  /** True while an active device-for-sale listing already offers it. */
  listedForSale: boolean;
}

const EARNING_HISTORY = 30;

/** The devices `owner` can list, with what each measured lately and what it earned. */
export async function sellableDevices(db: PrismaClient, owner: Address, now = new Date()): Promise<SellableDevice[]> {
  const owned = await ownedDevices(db, owner);
  if (owned.length === 0) return [];
  const addresses = owned.map((device) => device.address.toLowerCase());
  const [activity, rows, projects, forSale, totals] = await Promise.all([
    recentActivity(db, addresses, new Date(now.getTime() - RECENT_ACTIVITY_MS)),
    db.rewardDeviceEpoch.findMany({
      where: { device: { in: addresses } },
      select: { device: true, amount: true, epoch: { select: { windowStart: true } } },
      orderBy: { epoch: { windowStart: "desc" } },
      take: EARNING_HISTORY * owned.length,
    }),
    db.device.findMany({ where: { address: { in: addresses } }, select: { address: true, projectId: true } }),
    db.marketListing.findMany({ where: { kind: "DEVICE", status: "ACTIVE", deviceAddresses: { hasSome: addresses } }, select: { deviceAddresses: true } }),
    db.rewardDeviceEpoch.groupBy({ by: ["device"], where: { device: { in: addresses } }, _sum: { amount: true } }),
  ]);
  const projectOf = new Map(projects.map((row) => [row.address, row.projectId]));
  const listed = new Set(forSale.flatMap((row) => row.deviceAddresses));
  const totalOf = new Map(totals.map((row) => [row.device, row._sum.amount?.toFixed(0) ?? "0"]));
  return owned.map((device) => {
    const key = device.address.toLowerCase();
    const recent = activity.get(key);
    return {
      address: getAddress(device.address),
      label: device.serial ?? device.address,
      projectId: projectOf.get(key) ?? 0,
      projectName: device.projectName,
      model: device.model,
      active: device.active,
      recentMetrics: recent?.metrics ?? [],
      recentCells: recent?.cellsR7 ?? [],
      earnings: rows
        .filter((row) => row.device === key)
        .slice(0, EARNING_HISTORY)
        .map((row) => ({ windowStart: row.epoch.windowStart.toISOString(), amount: row.amount.toFixed(0) })),
      earnedTotal: totalOf.get(key) ?? "0",
      listedForSale: listed.has(key),
    };
  });
}

/** A device's reward history for its sale listing: what a buyer gets an idea of the device's income from. */
export async function deviceEarnings(db: PrismaClient, device: Address): Promise<{ earnings: EpochEarning[]; earnedTotal: string }> {
  const key = device.toLowerCase();
  const [rows, total] = await Promise.all([
    db.rewardDeviceEpoch.findMany({ where: { device: key }, select: { amount: true, epoch: { select: { windowStart: true } } }, orderBy: { epoch: { windowStart: "desc" } }, take: EARNING_HISTORY }),
    db.rewardDeviceEpoch.aggregate({ where: { device: key }, _sum: { amount: true } }),
  ]);
  return {
    earnings: rows.map((row) => ({ windowStart: row.epoch.windowStart.toISOString(), amount: row.amount.toFixed(0) })),
    earnedTotal: total._sum.amount?.toFixed(0) ?? "0",
  };
}

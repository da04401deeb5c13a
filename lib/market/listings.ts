import "server-only";
import { randomUUID } from "node:crypto";
import { getAddress, type Address } from "viem";
import { Prisma, type MarketListing, type PrismaClient } from "../db/generated/client";
import { lastSeenByDevice } from "../ingest/device-activity";
import { latestQuality, type LatestQuality } from "../processing/latest-quality";
import { deviceStatus, type DeviceStatus } from "../quality/status";
import { onchainListingId } from "./ids";
import { devicesNotOwnedBy } from "./ownership";
import { areaFromCells, recentActivity, RECENT_ACTIVITY_MS } from "./area";
import { DeviceAlreadyListedError, ListingNotFoundError, MixedProjectsError, NoAreaError, NotYourDeviceError } from "./errors";
import type { BrowseListingsQuery, CreateListingInput } from "./schemas";

/** A listing as the API returns it: amounts as decimal strings. */
export interface ListingView {
  id: string;
  /** bytes32 that orders for this listing carry on-chain. */
  onchainId: string;
  kind: MarketListing["kind"];
  status: MarketListing["status"];
  seller: Address;
  project: { id: number; name: string; slug: string };
  title: string;
  description: string;
  metrics: string[];
  cellsR7: string[];
  devices: Address[];
  unit: string;
  price: string;
  createdAt: string;
}

interface ProjectRef {
  id: number;
  name: string;
  slug: string;
}

type ListingRow = MarketListing & { project: ProjectRef };

/** Listings keep a plain projectId (no relation, so the indexer's Project model stays untouched): join here. */
async function withProjects(db: PrismaClient, rows: MarketListing[]): Promise<ListingRow[]> {
  const ids = [...new Set(rows.map((row) => row.projectId))];
  const projects = await db.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, slug: true } });
  const byId = new Map(projects.map((project) => [project.id, project]));
  return rows.map((row) => ({ ...row, project: byId.get(row.projectId) ?? { id: row.projectId, name: "", slug: "" } }));
}

async function viewOf(db: PrismaClient, row: MarketListing): Promise<ListingView> {
  const [joined] = await withProjects(db, [row]);
  return toView(joined as ListingRow);
}

function toView(row: ListingRow): ListingView {
  return {
    id: row.id,
    onchainId: row.onchainId,
    kind: row.kind,
    status: row.status,
    seller: getAddress(row.sellerAddress),
    project: row.project,
    title: row.title,
    description: row.description,
    metrics: row.metrics,
    cellsR7: row.cellsR7,
    devices: row.deviceAddresses.map((device) => getAddress(device)),
    unit: row.unit,
    price: row.price.toString(),
    createdAt: row.createdAt.toISOString(),
  };
}


/**
 * Lists supply for `seller`. Every device must be indexed as the seller's (the
 * chain is the authority on ownership) and all from one project. Without
 * cells, the area is where the devices reported from over the last week.
 */
export async function createListing(db: PrismaClient, seller: Address, input: CreateListingInput, now = new Date()): Promise<ListingView> {
  const addresses = [...new Set(input.devices.map((device) => device.toLowerCase()))];
  const devices = await db.device.findMany({ where: { address: { in: addresses } }, select: { address: true, ownerAddress: true, projectId: true } });
  for (const address of addresses) {
    const device = devices.find((row) => row.address === address);
    if (!device || device.ownerAddress?.toLowerCase() !== seller.toLowerCase()) throw new NotYourDeviceError(getAddress(address));
  }
  const projectIds = new Set(devices.map((device) => device.projectId));
  if (projectIds.size !== 1) throw new MixedProjectsError();
  const [projectId] = projectIds as Set<number>;

  let metrics: string[] = [];
  let cells: string[] = [];
  let unit = "device";
  if (input.kind === "DEVICE") {
    const listed = await db.marketListing.findFirst({ where: { kind: "DEVICE", status: "ACTIVE", deviceAddresses: { has: addresses[0] } }, select: { id: true } });
    if (listed) throw new DeviceAlreadyListedError(getAddress(addresses[0] as string));
    const activity = await recentActivity(db, addresses, new Date(now.getTime() - RECENT_ACTIVITY_MS));
    cells = [...new Set([...activity.values()].flatMap((a) => a.cellsR7))].sort();
    metrics = [...new Set([...activity.values()].flatMap((a) => a.metrics))].sort();
  } else {
    metrics = [...new Set(input.metrics)].sort();
    unit = input.kind === "FEED" ? "day" : input.unit;
    if (input.cells.length > 0) cells = areaFromCells(input.cells);
    else {
      const activity = await recentActivity(db, addresses, new Date(now.getTime() - RECENT_ACTIVITY_MS));
      cells = [...new Set([...activity.values()].flatMap((a) => a.cellsR7))].sort();
    }
    if (cells.length === 0) throw new NoAreaError();
  }

  const id = randomUUID();
  const row = await db.marketListing.create({
    data: {
      id,
      onchainId: onchainListingId(id),
      kind: input.kind,
      sellerAddress: getAddress(seller),
      projectId: projectId as number,
      title: input.title,
      description: input.description,
      metrics,
      cellsR7: cells,
      deviceAddresses: addresses,
      unit,
      price: input.price,
    },
  });
  return viewOf(db, row);
}

export interface ListingPage {
  items: ListingView[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * Active listings matching the filters. `q` is PostgreSQL full-text search
 * (websearch syntax) over title and description; with `q` and the default
 * sort, the best matches come first.
 */
export async function browseListings(db: PrismaClient, query: BrowseListingsQuery): Promise<ListingPage> {
  const document = Prisma.sql`to_tsvector('simple', l."title" || ' ' || l."description" || ' ' || array_to_string(l."metrics", ' '))`;
  const conditions: Prisma.Sql[] = [Prisma.sql`l."status" = 'ACTIVE'`];
  if (query.kind) conditions.push(Prisma.sql`l."kind" = ${query.kind}::"MarketListingKind"`);
  if (query.metric) conditions.push(Prisma.sql`${query.metric} = ANY(l."metrics")`);
  if (query.project) conditions.push(Prisma.sql`(p."slug" = ${query.project} OR p."name" ILIKE ${query.project})`);
  if (query.minPrice !== undefined) conditions.push(Prisma.sql`l."price" >= ${query.minPrice}`);
  if (query.maxPrice !== undefined) conditions.push(Prisma.sql`l."price" <= ${query.maxPrice}`);
  if (query.seller) conditions.push(Prisma.sql`l."sellerAddress" = ${query.seller}`);
  if (query.cell) conditions.push(Prisma.sql`l."cellsR7" && ${areaFromCells([query.cell])}::text[]`);
  if (query.q) conditions.push(Prisma.sql`${document} @@ websearch_to_tsquery('simple', ${query.q})`);
  const where = Prisma.join(conditions, " AND ");

  const order =
    query.sort === "price_asc"
      ? Prisma.sql`l."price" ASC, l."createdAt" DESC`
      : query.sort === "price_desc"
        ? Prisma.sql`l."price" DESC, l."createdAt" DESC`
        : query.q
          ? Prisma.sql`ts_rank(${document}, websearch_to_tsquery('simple', ${query.q})) DESC, l."createdAt" DESC`
          : Prisma.sql`l."createdAt" DESC`;

  const from = Prisma.sql`FROM "MarketListing" l JOIN "Project" p ON p."id" = l."projectId" WHERE ${where}`;
  const [ids, counted] = await Promise.all([
    db.$queryRaw<Array<{ id: string }>>`SELECT l."id" ${from} ORDER BY ${order}, l."id" LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`,
    db.$queryRaw<Array<{ total: bigint }>>`SELECT count(*) AS total ${from}`,
  ]);
  const rows = await withProjects(db, await db.marketListing.findMany({ where: { id: { in: ids.map((row) => row.id) } } }));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return {
    items: ids.map((row) => byId.get(row.id)).filter((row): row is ListingRow => row !== undefined).map(toView),
    total: Number(counted[0]?.total ?? 0n),
    page: query.page,
    pageSize: query.pageSize,
  };
}

export interface ListedDevice {
  address: Address;
  model: string;
  /** False when the device left the seller since it was listed. */
  stillOwnedBySeller: boolean;
  status: DeviceStatus;
  lastSeenAt: string | null;
  quality: LatestQuality | null;
}

export interface DeviceSaleRecord {
  seller: Address;
  buyer: Address;
  price: string;
  soldAt: string;
}

export interface ListingDetail extends ListingView {
  devices: Address[];
  deviceStatus: ListedDevice[];
  /** Earlier sales of the device (device listings only), newest first. */
  saleHistory: DeviceSaleRecord[];
}

/** One listing with its devices' live status and latest quality. */
export async function listingDetail(db: PrismaClient, id: string, now = new Date()): Promise<ListingDetail> {
  const row = await db.marketListing.findUnique({ where: { id } });
  if (!row) throw new ListingNotFoundError();
  const view = await viewOf(db, row);
  const devices = await db.device.findMany({ where: { address: { in: row.deviceAddresses } }, select: { address: true, model: true, ownerAddress: true } });
  const lastSeen = await lastSeenByDevice(db, view.devices);
  const deviceStatusList = await Promise.all(
    view.devices.map(async (address): Promise<ListedDevice> => {
      const device = devices.find((d) => d.address === address.toLowerCase());
      const seen = lastSeen.get(address.toLowerCase()) ?? null;
      return {
        address,
        model: device?.model ?? "",
        stillOwnedBySeller: device?.ownerAddress?.toLowerCase() === row.sellerAddress.toLowerCase(),
        status: deviceStatus(seen, now),
        lastSeenAt: seen?.toISOString() ?? null,
        quality: await latestQuality(db, address),
      };
    }),
  );
  const sales =
    row.kind === "DEVICE"
      ? await db.marketDeviceSale.findMany({ where: { device: { in: row.deviceAddresses } }, orderBy: { soldAt: "desc" }, take: 20 })
      : [];
  return {
    ...view,
    deviceStatus: deviceStatusList,
    saleHistory: sales.map((sale) => ({ seller: getAddress(sale.sellerAddress), buyer: getAddress(sale.buyerAddress), price: sale.price.toString(), soldAt: sale.soldAt.toISOString() })),
  };
}

/** The seller closes (or pauses/reopens) their own listing. */
export async function setListingStatus(db: PrismaClient, seller: Address, id: string, status: MarketListing["status"]): Promise<ListingView> {
  const row = await db.marketListing.findUnique({ where: { id }, select: { sellerAddress: true, deviceAddresses: true } });
  // Someone else's listing looks the same as a missing one: no probing which ids exist.
  if (!row || row.sellerAddress.toLowerCase() !== seller.toLowerCase()) throw new ListingNotFoundError();
  if (status === "ACTIVE") {
    // A listing the indexer withdrew (a device sold or transferred) reopens only once every device is the seller's again.
    const [gone] = await devicesNotOwnedBy(db, row.sellerAddress, row.deviceAddresses);
    if (gone) throw new NotYourDeviceError(getAddress(gone));
  }
  return viewOf(db, await db.marketListing.update({ where: { id }, data: { status } }));
}

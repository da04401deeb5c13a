import { cellToChildren, cellToParent, latLngToCell } from "h3-js";
import { getAddress, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClient, type PrismaClient } from "@/lib/db/create-client";
import { browseListings, createListing, listingDetail } from "@/lib/market/listings";
import { offersForRequest, requestsForOwner } from "@/lib/market/matching";
import { closeRequest, createRequest, openRequests, requestById } from "@/lib/market/requests";
import { RequestNotFoundError } from "@/lib/market/errors";
import { browseListingsSchema, createListingSchema, createRequestSchema } from "@/lib/market/schemas";

let db: PrismaClient;
const randomAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address;
const owner = randomAddress();
const otherOwner = randomAddress();
const consumer = randomAddress();
const [berlinDevice, parisDevice, strangerDevice] = [randomAddress(), randomAddress(), randomAddress()];
// A unique word per run, so full-text search only sees this file's listings in a shared database.
const tag = `run${Date.now().toString(36)}`;
const berlin = latLngToCell(52.52, 13.405, 7);
const paris = latLngToCell(48.8566, 2.3522, 7);
const now = new Date();

async function addHour(device: Address, cell: string, metrics: string[], hoursAgo = 2): Promise<void> {
  const hourStart = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - hoursAgo * 3_600_000);
  const sensors = Object.fromEntries(metrics.map((metric) => [metric, { min: 1, mean: 2, max: 3, count: 10 }]));
  await db.deviceHour.create({
    data: { device: device.toLowerCase(), hourStart, messageCount: 10, onlineMinutes: 10, distanceMeters: 0, cellsR7: [cell], cellsR8: [], sensors, qualityScore: 90, findings: [], computedAt: now },
  });
}

beforeAll(async () => {
  db = createDbClient(inject("databaseUrl"));
  const project = await db.project.create({ data: { chainId: 31337, slug: `market-${tag}`, name: `Market Fleet ${tag}`, adminAddress: owner } });
  for (const [device, holder] of [[berlinDevice, owner], [parisDevice, owner], [strangerDevice, otherOwner]] as const) {
    await db.device.create({ data: { address: device.toLowerCase(), projectId: project.id, model: "AQ-Tracker v2", ownerAddress: getAddress(holder), claimedAt: now } });
  }
  await addHour(berlinDevice, berlin, ["pm25", "temperature"]);
  await addHour(parisDevice, paris, ["temperature"]);
  await addHour(strangerDevice, berlin, ["pm25"]);
  // Older than a week: must not count as where the device is.
  await addHour(parisDevice, berlin, ["pm25"], 24 * 8);
});

afterAll(async () => {
  await db.$disconnect();
});

const listing = (input: Record<string, unknown>) => createListingSchema.parse({ description: `air quality ${tag}`, price: "30000000", ...input });
const request = (input: Record<string, unknown>) =>
  createRequestSchema.parse({ title: "PM2.5 in Berlin", deviceCount: 2, durationDays: 15, budget: "20000000", expiresAt: new Date(now.getTime() + 86_400_000).toISOString(), ...input });

describe("listings", () => {
  it("lists only devices the seller owns", async () => {
    await expect(createListing(db, owner, listing({ kind: "FEED", title: "Mixed", devices: [berlinDevice, strangerDevice], metrics: ["pm25"] }))).rejects.toMatchObject({ code: "not_your_device", status: 403 });
    await expect(createListing(db, consumer, listing({ kind: "DEVICE", title: "Not mine", devices: [berlinDevice] }))).rejects.toMatchObject({ code: "not_your_device" });
  });

  it("takes the area from where the devices reported in the last week when none is given", async () => {
    const created = await createListing(db, owner, listing({ kind: "FEED", title: `Berlin PM2.5 ${tag}`, devices: [berlinDevice], metrics: ["pm25"] }));
    expect(created.cellsR7).toEqual([berlin]);
    expect(created.seller).toBe(owner);
    const paris = await createListing(db, owner, listing({ kind: "FEED", title: `Paris temperature ${tag}`, devices: [parisDevice], metrics: ["temperature"], price: "10000000" }));
    expect(paris.cellsR7).not.toContain(berlin);
  });

  it("refuses a second active sale listing of the same device", async () => {
    await createListing(db, otherOwner, listing({ kind: "DEVICE", title: `Tracker for sale ${tag}`, devices: [strangerDevice], price: "50000000" }));
    await expect(createListing(db, otherOwner, listing({ kind: "DEVICE", title: "Again", devices: [strangerDevice] }))).rejects.toMatchObject({ code: "device_already_listed" });
  });

  it("browses with filters, full-text search, sort and pagination", async () => {
    const browse = (query: Record<string, string>) => browseListings(db, browseListingsSchema.parse({ q: tag, ...query }));
    expect((await browse({})).total).toBe(3);
    expect((await browse({ kind: "FEED" })).items.map((item) => item.title).sort()).toEqual([`Berlin PM2.5 ${tag}`, `Paris temperature ${tag}`]);
    expect((await browse({ metric: "pm25", kind: "FEED" })).items.map((item) => item.title)).toEqual([`Berlin PM2.5 ${tag}`]);
    // A device for sale carries the metrics its device reported.
    expect((await browse({ metric: "pm25", kind: "DEVICE" })).items.map((item) => item.title)).toEqual([`Tracker for sale ${tag}`]);
    expect((await browse({ maxPrice: "20000000" })).items.map((item) => item.title)).toEqual([`Paris temperature ${tag}`]);
    expect((await browse({ sort: "price_desc" })).items.map((item) => item.price)).toEqual(["50000000", "30000000", "10000000"]);
    expect((await browse({ q: `${tag} tracker` })).items.map((item) => item.title)).toEqual([`Tracker for sale ${tag}`]);
    expect((await browse({ project: `market-${tag}`, kind: "DEVICE" })).total).toBe(1);
    expect((await browse({ cell: cellToChildren(berlin, 9)[0] as string, kind: "FEED" })).items.map((item) => item.title)).toEqual([`Berlin PM2.5 ${tag}`]);
    const page2 = await browse({ sort: "price_asc", pageSize: "2", page: "2" });
    expect(page2).toMatchObject({ total: 3, page: 2 });
    expect(page2.items.map((item) => item.price)).toEqual(["50000000"]);
  });

  it("shows a listing with its devices' status and quality", async () => {
    const [item] = (await browseListings(db, browseListingsSchema.parse({ q: tag, metric: "pm25", kind: "FEED" }))).items;
    const detail = await listingDetail(db, item?.id as string, now);
    expect(detail.deviceStatus).toEqual([expect.objectContaining({ address: berlinDevice, stillOwnedBySeller: true, status: "offline", quality: expect.objectContaining({ score: 90 }) })]);
  });
});

describe("matching", () => {
  it("offers feeds with the request's metric whose area overlaps it, with the cost of its duration", async () => {
    // The request picks a coarser cell around Berlin: its resolution-7 children include the device's cell.
    const wanted = await createRequest(db, consumer, request({ metric: "pm25", cells: [cellToParent(berlin, 5)] }), now);
    const { offers } = await offersForRequest(db, wanted.id);
    const mine = offers.filter((offer) => offer.title.endsWith(tag));
    expect(mine).toEqual([expect.objectContaining({ title: `Berlin PM2.5 ${tag}`, overlappingCells: 1, estimatedCost: "15000000", withinBudget: true })]);

    const elsewhere = await createRequest(db, consumer, request({ metric: "pm25", cells: [paris] }), now);
    expect((await offersForRequest(db, elsewhere.id)).offers.filter((offer) => offer.title.endsWith(tag))).toEqual([]);
  });

  it("finds the requests an owner's devices can serve, by metric and recent cell", async () => {
    const temperatureInParis = await createRequest(db, consumer, request({ title: "Paris temperature", metric: "temperature", cells: [paris] }), now);
    const pm25InBerlin = await createRequest(db, consumer, request({ title: "Berlin PM", metric: "pm25", cells: [berlin] }), now);
    const humidity = await createRequest(db, consumer, request({ metric: "humidity", cells: [berlin] }), now);
    const expired = await createRequest(db, consumer, request({ metric: "pm25", cells: [berlin], expiresAt: new Date(now.getTime() + 1_000).toISOString() }), now);

    const matches = await requestsForOwner(db, owner, new Date(now.getTime() + 2_000));
    const byId = new Map(matches.map((match) => [match.request.id, match.devices]));
    expect(byId.get(temperatureInParis.id)).toEqual([parisDevice]);
    // The Paris device reported PM2.5 in Berlin only more than a week ago: it does not fit.
    expect(byId.get(pm25InBerlin.id)).toEqual([berlinDevice]);
    expect(byId.has(humidity.id)).toBe(false);
    expect(byId.has(expired.id)).toBe(false);
    expect(await requestsForOwner(db, consumer)).toEqual([]);
  });
});

describe("closing a request", () => {
  it("is its buyer's alone, takes it off the open requests and the owners' matches, and keeps the first closing time", async () => {
    const wanted = await createRequest(db, consumer, request({ title: `Close me ${tag}`, metric: "pm25", cells: [berlin] }), now);
    expect((await requestsForOwner(db, owner)).map((match) => match.request.id)).toContain(wanted.id);

    // Anyone else's attempt looks like a missing request, and changes nothing.
    await expect(closeRequest(db, owner, wanted.id)).rejects.toBeInstanceOf(RequestNotFoundError);
    expect((await requestById(db, wanted.id)).status).toBe("OPEN");

    const closedAt = new Date(now.getTime() + 60_000);
    expect(await closeRequest(db, consumer, wanted.id, closedAt)).toMatchObject({ id: wanted.id, status: "CLOSED" });
    await closeRequest(db, consumer, wanted.id, new Date(now.getTime() + 120_000));
    expect((await db.marketRequest.findUniqueOrThrow({ where: { id: wanted.id } })).closedAt).toEqual(closedAt);
    expect((await openRequests(db, { limit: 500 })).map((open) => open.id)).not.toContain(wanted.id);
    expect((await requestsForOwner(db, owner)).map((match) => match.request.id)).not.toContain(wanted.id);
  });
});

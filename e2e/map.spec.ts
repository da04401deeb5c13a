import pg from "pg";
import { expect, test, type APIRequestContext, type Page, type Response } from "@playwright/test";
import { latLngToCell, cellToLatLng, cellToParent } from "h3-js";
import { embeddedPostgresUrl } from "../lib/db/embedded";
import { toWireJson } from "../lib/ingest/message";
import { signTelemetry } from "../lib/ingest/sign";
import { demoDevices } from "../lib/seed/demo-fleet";

/**
 * The sensor map against the real stack (no simulator): the seeded demo
 * devices send signed readings from exact positions whose digits no public
 * cell centre has, the worker folds them into the map, and the browser must
 * never receive those exact positions while signed out.
 */
const PG_PORT = Number(process.env.E2E_PG_PORT ?? 55433);
const FIXES = [
  { latE6: 52_521_357, lonE6: 13_402_468, pm25DeciUgM3: 80 },
  { latE6: 52_531_357, lonE6: 13_412_468, pm25DeciUgM3: 250 },
  { latE6: 52_501_357, lonE6: 13_392_468, pm25DeciUgM3: 120 },
  { latE6: 38_721_357, lonE6: -9_132_468, pm25DeciUgM3: 60 },
  { latE6: 1_351_357, lonE6: 103_822_468, pm25DeciUgM3: 300 },
];
const EXACT_STRINGS = FIXES.flatMap((f) => [String(f.latE6 / 1e6), String(f.lonE6 / 1e6)]);
const devices = demoDevices();

/** One reading per demo device at its fix, all measured at `at`; true when every one was accepted. */
async function sendReadings(api: APIRequestContext, at: number): Promise<boolean> {
  const messages = await Promise.all(
    devices.map((device, i) =>
      signTelemetry(device.privateKey, {
        device: device.address,
        sequence: BigInt(Date.now()),
        timestamp: at,
        position: { latE6: FIXES[i]!.latE6, lonE6: FIXES[i]!.lonE6, accuracyCm: 400 },
        pm25DeciUgM3: FIXES[i]!.pm25DeciUgM3,
        temperatureCentiC: 1200 + i * 100,
      }),
    ),
  );
  const response = await api.post("/api/v1/telemetry", { data: { messages: messages.map(toWireJson) } });
  expect(response.status()).toBe(200);
  const { results } = (await response.json()) as { results: Array<{ status: string }> };
  return results.every((result) => result.status === "accepted");
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ playwright }, testInfo) => {
  const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const client = new pg.Client({ connectionString: embeddedPostgresUrl(PG_PORT) });
  await client.connect();
  try {
    // The demo fleet is seeded while the app starts: resend (new sequence numbers) until every reading is accepted.
    let at = 0;
    await expect.poll(async () => sendReadings(api, (at = Date.now() - 1000)), { timeout: 60_000, intervals: [2_000] }).toBe(true);
    // The worker's map job folds them in on a later tick. Wait until every device's map row is at its fix as of that
    // reading: rows from earlier specs' readings would otherwise satisfy a plain count, and a fold landing after a
    // test changed the rows (the time window test ages one) would undo the change.
    await expect
      .poll(
        async () => {
          const { rows } = await client.query<{ folded: number }>(
            `SELECT count(*)::int AS folded FROM map_device m
               JOIN unnest($1::text[], $2::float8[], $3::float8[]) AS f(device, lat, lon) ON f.device = m.device
              WHERE m.lat = f.lat AND m.lon = f.lon AND m."measuredAt" >= (TIMESTAMPTZ 'epoch' + $4::bigint * interval '1 millisecond') AT TIME ZONE 'UTC'`,
            [devices.map((d) => d.address.toLowerCase()), FIXES.map((f) => f.latE6 / 1e6), FIXES.map((f) => f.lonE6 / 1e6), at],
          );
          return rows[0]!.folded;
        },
        { timeout: 60_000, intervals: [1_000] },
      )
      .toBe(devices.length);
  } finally {
    await client.end();
    await api.dispose();
  }
});

/** Every /api/map response body the page received, for privacy checks. */
function recordMapResponses(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", (response: Response) => {
    if (!response.url().includes("/api/map/") || response.url().includes("/api/map/live")) return;
    void response.text().then((text) => bodies.push(text), () => undefined);
  });
  return bodies;
}

test("renders offline with the default style and makes no external request", async ({ page }) => {
  const external: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["localhost", "127.0.0.1"].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) external.push(request.url());
  });
  await page.goto("/map");
  await expect(page.locator(".maplibregl-canvas")).toBeVisible();
  await expect(page.getByTestId("map-status")).toContainText(/hexagon/);
  await expect(page.getByText("Berlin", { exact: true })).toBeVisible();
  expect(external).toEqual([]);
});

test("a hexagon click opens the panel, and Escape closes it", async ({ page }) => {
  const [lat, lon] = cellToLatLng(cellToParent(latLngToCell(FIXES[1]!.latE6 / 1e6, FIXES[1]!.lonE6 / 1e6, 7), 5));
  await page.goto(`/map?lat=${lat}&lon=${lon}&z=7`);
  const canvas = page.locator(".maplibregl-canvas");
  await expect(page.getByTestId("map-status")).toContainText(/hexagon/);
  const box = (await canvas.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const panel = page.getByTestId("map-panel");
  await expect(panel).toContainText("Hexagon (H3 res 5)");
  await expect(panel).toContainText(/device\(s\)/);
  await expect(page).toHaveURL(/sel=h%3A|sel=h:/);
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
});

test("the time window changes what is shown", async ({ page }) => {
  // One device last heard from three hours ago: in the day's view, not in the hour's.
  const client = new pg.Client({ connectionString: embeddedPostgresUrl(PG_PORT) });
  await client.connect();
  try {
    await client.query(`UPDATE map_device SET "lastSeenAt" = "lastSeenAt" - interval '3 hours' WHERE device = $1`, [devices[4]!.address.toLowerCase()]);
    // The device moves to rollup rows of another age band, which get their cell centres (PostgreSQL has no H3) from
    // the worker's next map refresh; until then the viewport cannot place them. A loaded CI machine's worker tick
    // once took longer than the poll below.
    await expect
      .poll(async () => (await client.query<{ missing: number }>(`SELECT count(*)::int AS missing FROM map_cell WHERE lat IS NULL`)).rows[0]!.missing, { timeout: 60_000 })
      .toBe(0);
  } finally {
    await client.end();
  }
  // A view around that device alone: its count is not anyone else's, and the status is polled, since a loaded
  // machine may show the count of an earlier viewport while the map settles (CI once read 4 of 5 world-wide).
  await page.goto(`/map?metric=density&window=24h&lat=${FIXES[4]!.latE6 / 1e6}&lon=${FIXES[4]!.lonE6 / 1e6}&z=6`);
  const status = page.getByTestId("map-status");
  // NaN while loading; an empty window says so in words.
  const count = async () => {
    const text = (await status.textContent()) ?? "";
    return text.startsWith("No devices reported here") ? 0 : Number(/(\d+) device\(s\)/.exec(text)?.[1]);
  };
  await expect.poll(count).toBeGreaterThanOrEqual(1);
  const day = await count();
  await page.getByRole("radio", { name: "Last hour" }).check();
  await expect.poll(count).toBe(day - 1);
  await expect(page).toHaveURL(/window=1h/);
});

test("an anonymous visitor never receives exact coordinates", async ({ page }) => {
  const bodies = recordMapResponses(page);
  const [lat, lon] = [FIXES[0]!.latE6 / 1e6, FIXES[0]!.lonE6 / 1e6];
  // Street zoom: individual devices; then open a device's panel through search.
  await page.goto(`/map?lat=${lat}&lon=${lon}&z=12`);
  await expect(page.getByTestId("map-status")).toContainText(/\d+ device\(s\)/);
  await page.getByLabel("Search a device or place").fill(devices[0]!.address);
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page.getByTestId("map-panel")).toContainText("public H3 cell");
  await page.goto(`/map?z=2`);
  await expect(page.getByTestId("map-status")).toContainText(/hexagon/);
  await expect.poll(() => bodies.length).toBeGreaterThanOrEqual(3);
  const all = bodies.join("\n");
  expect(all).toContain(devices[0]!.address.toLowerCase());
  for (const exact of EXACT_STRINGS) expect(all).not.toContain(exact);
  expect(all).not.toContain('"exact"');
});

test("the demand layer shows where consumers want data, with a legend and public fields only", async ({ page, request }) => {
  // An open marketplace request over two cells (as lib/market stores one), far from other specs' data.
  const cells = [latLngToCell(-45.0312, 168.6626, 7), latLngToCell(-45.0412, 168.6726, 7)];
  const buyer = "0x00000000000000000000000000000000000000B8";
  const client = new pg.Client({ connectionString: embeddedPostgresUrl(PG_PORT) });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "MarketRequest" (id, "buyerAddress", title, metric, "cellsR7", "deviceCount", "durationDays", budget, "expiresAt")
       VALUES (gen_random_uuid()::text, $1, 'Queenstown air', 'pm25', $2, 2, 30, 4000, now() + interval '7 days')`,
      [buyer, cells],
    );
  } finally {
    await client.end();
  }
  const parent = cellToParent(cells[0]!, 5);
  const body = (await (await request.get("/api/map/demand?layer=wanted")).json()) as { features: Array<{ id: string; properties: { requests: number; metrics: string[] } }> };
  expect(body.features.find((f) => f.id === parent)?.properties).toMatchObject({ requests: 1, metrics: ["pm25"] });
  expect(JSON.stringify(body).toLowerCase()).not.toContain(buyer.toLowerCase());
  expect(JSON.stringify(body)).not.toContain("Queenstown");

  await page.goto("/map?lat=-45.03&lon=168.66&z=6");
  await page.getByLabel("Where data is wanted (open requests)").check();
  await expect(page).toHaveURL(/wanted=1/);
  const legend = page.getByTestId("wanted-legend");
  await expect(legend).toContainText("Open data requests per hexagon");
  await expect(legend).toContainText(/[1-9]\d* hexagon\(s\) with open requests/);
});

test("playback: moving the frame slider changes what the viewport returns, and the frame is in the URL", async ({ page }) => {
  // Hourly aggregates for the Berlin devices in the last finished hour, as the processing job writes them.
  const lastHour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
  const client = new pg.Client({ connectionString: embeddedPostgresUrl(PG_PORT) });
  await client.connect();
  try {
    for (const [i, device] of devices.slice(0, 3).entries()) {
      await client.query(
        `INSERT INTO "DeviceHour" (device, "hourStart", "messageCount", "onlineMinutes", "distanceMeters", "cellsR7", "cellsR8", sensors, "qualityScore", findings, "computedAt")
         VALUES ($1, $2::timestamptz AT TIME ZONE 'UTC', 60, 60, 0, '{}', '{}', $3, 90, '[]', now() AT TIME ZONE 'UTC') ON CONFLICT DO NOTHING`,
        [device.address.toLowerCase(), lastHour.toISOString(), JSON.stringify({ pm25: { min: 5, mean: 10 + i, max: 20, count: 60 } })],
      );
    }
  } finally {
    await client.end();
  }
  const berlin = cellToParent(latLngToCell(FIXES[0]!.latE6 / 1e6, FIXES[0]!.lonE6 / 1e6, 7), 2);
  const frames: Array<{ frame: string | null; cells: string[] }> = [];
  page.on("response", (response: Response) => {
    const url = new URL(response.url());
    if (url.pathname !== "/api/map/viewport") return;
    void response.json().then(
      (body: { features?: Array<{ id: string }> }) => frames.push({ frame: url.searchParams.get("frame"), cells: (body.features ?? []).map((f) => f.id) }),
      () => undefined,
    );
  });
  await page.goto("/map?metric=density&window=24h");
  await expect(page.getByTestId("map-status")).toContainText(/hexagon/);
  const slider = page.getByRole("slider", { name: "Frame" });
  await slider.focus();
  await page.keyboard.press("Home");
  await expect(page).toHaveURL(/[?&]t=/);
  await expect(page.getByTestId("map-frame")).toContainText("UTC");
  await expect.poll(() => frames.some((f) => f.frame !== null && f.frame !== lastHour.toISOString())).toBe(true);
  await page.keyboard.press("End");
  await expect(page).toHaveURL(new RegExp(`t=${encodeURIComponent(lastHour.toISOString())}`));
  await expect.poll(() => frames.find((f) => f.frame === lastHour.toISOString())?.cells ?? []).toContain(berlin);
  // The oldest frame (a day ago, before this stack existed) has no Berlin hexagon.
  expect(frames.find((f) => f.frame !== null && f.frame !== lastHour.toISOString())?.cells).not.toContain(berlin);
  await page.getByRole("button", { name: "Live", exact: true }).click();
  await expect(page).not.toHaveURL(/[?&]t=/);
});

import { privateKeyToAccount } from "viem/accounts";
import { toWireJson } from "../lib/ingest/message";
import { signTelemetry } from "../lib/ingest/sign";
import { demoDeviceKey } from "../lib/seed/demo-fleet";
import { connectAndSignIn, expect, test } from "./fixtures";

/**
 * Device page readings and track: a seeded demo device reports over HTTP,
 * then anyone sees its charts and only H3 cells of its track, while the
 * project admin (anvil account 0, the seeding admin) sees the exact positions.
 */

const deviceKey = demoDeviceKey(4);
const device = privateKeyToAccount(deviceKey).address;
// Exact coordinates as the page would print them; none may reach an anonymous visitor.
const LAT_E6 = 48_856_613;
const LON_E6 = 2_352_222;
const exactStrings = ["48.856", "48.8566", "2.3522"];

test.beforeAll(async ({ request }) => {
  // A worker restarted after a failure must not report a second set of readings.
  const existing = (await (await request.get(`/api/devices/${device}/series?window=1h&metric=temperature`)).json()) as { series: Array<{ points: unknown[] }> };
  if ((existing.series[0]?.points.length ?? 0) > 0) return;
  const now = Date.now();
  // Time-based sequences: a retried run must still count up.
  const base = BigInt(now);
  const messages = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      signTelemetry(deviceKey, {
        device,
        sequence: base + BigInt(i),
        timestamp: now - (30 - i) * 60_000,
        temperatureCentiC: 1800 + i * 10,
        pm25DeciUgM3: 120 + (i % 5) * 10,
        position: { latE6: LAT_E6 + i * 40, lonE6: LON_E6 + i * 60, accuracyCm: 500 },
      }),
    ),
  );
  const response = await request.post("/api/v1/telemetry", { data: { messages: messages.map(toWireJson) } });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { results: Array<{ status: string }> };
  expect(body.results.every((r) => r.status === "accepted")).toBe(true);
});

test("anyone sees the sensor charts and only coarse cells of the track", async ({ page }) => {
  await page.goto(`/devices/${device}`);
  const readings = page.getByTestId("device-readings");
  await expect(readings.getByTestId("chart-temperature")).toBeVisible();
  await expect(readings.getByTestId("chart-pm25")).toBeVisible();
  await expect(readings.getByRole("img", { name: /Temperature.*between 18\.00 and 20\.90 °C/ })).toBeVisible();
  await expect(page.getByTestId("track-cells")).toBeVisible();
  await expect(page.getByTestId("track-exact")).toHaveCount(0);
  const html = await page.content();
  for (const exact of exactStrings) expect(html).not.toContain(exact);

  // The window selector is keyboard-operable and keeps the choice in the URL.
  const hour = page.getByTestId("window-1h");
  await hour.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]window=1h/);
  await expect(hour).toHaveAttribute("aria-current", "true");
  await expect(readings.getByTestId("chart-temperature")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("window-1h")).toHaveAttribute("aria-current", "true");

  // The figures behind a chart open from the keyboard.
  const tableToggle = readings.getByTestId("chart-temperature").getByText(/Table of the \d+ values/);
  await tableToggle.focus();
  await page.keyboard.press("Enter");
  await expect(readings.getByTestId("chart-temperature").getByRole("table")).toBeVisible();
});

test.describe("project admin", () => {
  test.use({ walletAccountIndex: 0 });

  test("sees the exact positions", async ({ page, wallet }) => {
    await page.goto(`/devices/${device}?window=1h`);
    await connectAndSignIn(page, wallet.address);
    await expect(page.getByTestId("track-exact")).toBeVisible();
    await expect(page.getByTestId("track-exact")).toContainText("30 positions");
  });
});

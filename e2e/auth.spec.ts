import { accountButton, connectAndSignIn, connectButton, disconnect, expect, sessionAddress, test } from "./fixtures";

test("signs in with a real SIWE signature, survives a reload, signs out", async ({ page, wallet }) => {
  await page.goto("/");
  await expect(connectButton(page)).toBeVisible();
  expect(await sessionAddress(page)).toBeNull();

  await connectAndSignIn(page, wallet.address);
  await expect.poll(() => sessionAddress(page)).toBe(wallet.address);
  // The wallet really signed a SIWE message (not a canned signature).
  expect(wallet.requests.map((r) => r.method)).toContain("personal_sign");

  // The session is a cookie: a reload keeps both the wallet connection and the server session.
  await page.reload();
  await expect(accountButton(page, wallet.address)).toBeVisible();
  expect(await sessionAddress(page)).toBe(wallet.address);

  await disconnect(page, wallet.address);
  await expect.poll(() => sessionAddress(page)).toBeNull();
});

import { describe, expect, it } from "vitest";
import { formatClaimLabel, parseClaimLabel, parseDeviceAddress } from "./claim-label";

const device = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("claim labels", () => {
  it("round-trips format → parse", () => {
    const text = formatClaimLabel({ device, claimPrivateKey: key });
    expect(text).toBe(`depinhub:claim:${device}:${key}`);
    expect(parseClaimLabel(text)).toEqual({ ok: true, label: { device, claimPrivateKey: key } });
  });

  it("forgives whitespace, prefix case, lowercase addresses and a key without 0x", () => {
    const parsed = parseClaimLabel(`  DEPINHUB:CLAIM:${device.toLowerCase()}:${key.slice(2).toUpperCase()}\n`);
    expect(parsed).toEqual({ ok: true, label: { device, claimPrivateKey: key } });
  });

  it.each([
    ["another scheme", `ethereum:${device}`, /should start with/],
    ["a missing key", `depinhub:claim:${device}`, /separated by a colon/],
    ["a bad address", `depinhub:claim:0x1234:${key}`, /device address/],
    ["a short key", `depinhub:claim:${device}:0x1234`, /32-byte private key/],
    ["a zero key", `depinhub:claim:${device}:0x${"0".repeat(64)}`, /32-byte private key/],
    ["non-hex key", `depinhub:claim:${device}:0x${"z".repeat(64)}`, /32-byte private key/],
  ])("rejects %s with a reason", (_name, text, reason) => {
    const parsed = parseClaimLabel(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it("parses typed device addresses", () => {
    expect(parseDeviceAddress(` ${device.toLowerCase()} `)).toBe(device);
    expect(parseDeviceAddress("0x123")).toBeNull();
  });
});

import { keccak256, stringToBytes, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

/** The demo fleet's models; the simulator gives each a behaviour. */
const DEMO_MODELS = ["AQ-Tracker v2", "AQ-Tracker v2", "WeatherStation S1", "SolarMeter M3", "DashCam D1"] as const;

/**
 * Demo devices' private keys, derived from a public label so the seed, the
 * simulator and the tests agree on them. They guard nothing of value: never
 * register them on a real chain. (No server-only marker: tests and the
 * simulator import this too.)
 */
export function demoDeviceKey(index: number): Hex {
  return keccak256(stringToBytes(`depinhub:demo-device:${index}`));
}

export function demoDevices(): Array<{ address: Address; privateKey: Hex; model: string; serial: string }> {
  return DEMO_MODELS.map((model, index) => {
    const privateKey = demoDeviceKey(index);
    return { address: privateKeyToAccount(privateKey).address, privateKey, model, serial: `DEMO-${String(index + 1).padStart(4, "0")}` };
  });
}

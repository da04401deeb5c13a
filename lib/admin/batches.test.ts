import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunk, decideBatch } from "./batches";

describe("decideBatch", () => {
  it("sends only unregistered devices and counts this project's as done", () => {
    expect(decideBatch(["a", "b", "c"], [0n, 7n, 0n], 7n)).toEqual({ kind: "send", toSend: ["a", "c"], alreadyDone: 1 });
  });

  it("stops on a device registered under another project", () => {
    expect(decideBatch(["a", "b"], [0n, 8n], 7n)).toEqual({ kind: "conflict", devices: ["b"] });
  });

  it("replaying any prefix of a run never sends a device twice", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 10 }), fc.nat(), (count, size, crashAt) => {
        const devices = Array.from({ length: count }, (_, i) => i);
        const chain = new Map<number, bigint>();
        const sent: number[] = [];
        const run = (stopAfter: number) => {
          let batches = 0;
          for (const batch of chunk(devices, size)) {
            if (batches++ === stopAfter) return;
            const decision = decideBatch(batch, batch.map((d) => chain.get(d) ?? 0n), 1n);
            if (decision.kind !== "send") throw new Error("conflict");
            for (const d of decision.toSend) {
              sent.push(d);
              chain.set(d, 1n);
            }
          }
        };
        run(crashAt % (Math.ceil(count / size) + 1));
        run(Number.POSITIVE_INFINITY);
        expect([...sent].sort((a, b) => a - b)).toEqual(devices);
      }),
    );
  });
});

import fc from "fast-check";
import mqttPacket from "mqtt-packet";
import { describe, expect, it } from "vitest";
import { MqttPacketGuard } from "./mqtt-packet-guard";

function publish(payloadBytes: number): Buffer {
  return mqttPacket.generate({ cmd: "publish", topic: "devices/x/telemetry", payload: Buffer.alloc(payloadBytes, 1), qos: 1, messageId: 1, retain: false, dup: false });
}

/** Splits bytes at arbitrary points, as TCP may. */
function chunks(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    out.push(bytes.subarray(start, point));
    start = point;
  }
  out.push(bytes.subarray(start));
  return out;
}

/** Type byte plus the variable-length Remaining Length. */
function fixedHeaderLength(packet: Buffer): number {
  let index = 1;
  while ((packet[index]! & 0x80) !== 0) index++;
  return index + 1;
}

describe("MqttPacketGuard", () => {
  it("passes streams of packets within the limit however they are split", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (sizes, cuts) => {
        const guard = new MqttPacketGuard(3100);
        const stream = Buffer.concat([mqttPacket.generate({ cmd: "pingreq" }), ...sizes.map(publish)]);
        for (const chunk of chunks(stream, cuts)) expect(guard.feed(chunk)).toBe("ok");
      }),
    );
  });

  it("flags the first packet over the limit as soon as its header is complete", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 200_000 }), fc.array(fc.nat(), { maxLength: 4 }), (small, extra, cuts) => {
        const limit = 1000;
        const guard = new MqttPacketGuard(limit);
        const big = publish(limit + extra);
        // Only the big packet's fixed header is sent: the verdict must not wait for its body.
        const headerLength = fixedHeaderLength(big);
        const stream = Buffer.concat([publish(small), big.subarray(0, headerLength)]);
        const verdicts = chunks(stream, cuts).map((chunk) => guard.feed(chunk));
        expect(verdicts.at(-1)).toBe("too_large");
        expect(guard.feed(Buffer.from([0]))).toBe("too_large");
      }),
    );
  });

  it("flags a Remaining Length longer than four bytes as malformed", () => {
    const guard = new MqttPacketGuard(10_000_000);
    expect(guard.feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toBe("malformed");
  });

  it("accepts the largest packet exactly at the limit", () => {
    const packet = publish(100);
    const guard = new MqttPacketGuard(packet.length - 2);
    expect(guard.feed(packet)).toBe("ok");
    expect(new MqttPacketGuard(packet.length - 3).feed(packet)).toBe("too_large");
  });
});

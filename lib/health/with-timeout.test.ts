import { describe, expect, it } from "vitest";
import { describeFailure, withTimeout } from "./with-timeout";

describe("withTimeout", () => {
  it("passes a fast result through", async () => {
    await expect(withTimeout(Promise.resolve(7), 50, "x")).resolves.toBe(7);
  });

  it("rejects a slow one after the limit", async () => {
    const slow = new Promise((resolve) => setTimeout(resolve, 1_000));
    await expect(withTimeout(slow, 20, "the database")).rejects.toThrow("the database did not answer within 20 ms");
  });
});

describe("describeFailure", () => {
  it("redacts URLs, which may carry credentials or API keys", () => {
    const text = describeFailure(new Error('connect ECONNREFUSED postgresql://user:secret@db:5432/app\n    at stack'));
    expect(text).toBe("connect ECONNREFUSED <url>");
  });
});

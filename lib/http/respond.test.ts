import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { DomainError, UnauthorizedError } from "./errors";
import { handle, parseJsonBody } from "./handler";
import { errorResponse } from "./respond";

describe("errorResponse", () => {
  it("maps zod errors to 400 with field issues", async () => {
    const result = z.object({ message: z.string() }).safeParse({ message: 1 });
    const response = errorResponse(result.error);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; issues: Array<{ path: string }> } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.issues[0]?.path).toBe("message");
  });

  it("maps a DomainError to its status and code", async () => {
    const response = errorResponse(new UnauthorizedError());
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "Sign in with your wallet to continue." } });
  });

  it("hides unknown errors behind a generic 500 and logs them", async () => {
    const log = vi.fn();
    const response = errorResponse(new Error("password=hunter2 at db.internal:5432"), log);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("at ");
    expect(log).toHaveBeenCalledOnce();
  });
});

describe("handle", () => {
  it("passes responses through and converts thrown errors", async () => {
    const ok = handle(async () => Response.json({ fine: true }));
    expect((await ok()).status).toBe(200);
    const failing = handle(async () => {
      throw new DomainError("teapot", "I'm a teapot", 418);
    });
    expect((await failing()).status).toBe(418);
  });

  it("parseJsonBody rejects malformed JSON with invalid_json", async () => {
    const route = handle(async (request: Request) => Response.json(await parseJsonBody(request, z.object({ a: z.number() }))));
    const bad = await route(new Request("http://x/", { method: "POST", body: "{not json" }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
    const invalid = await route(new Request("http://x/", { method: "POST", body: JSON.stringify({ a: "1" }) }));
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });
});

describe("parseJsonBody limits", () => {
  const route = handle(async (request: Request) => Response.json(await parseJsonBody(request, z.object({ a: z.string() }), { maxBytes: 100 })));

  it("refuses a body over the cap with 413 payload_too_large, whether or not Content-Length says so", async () => {
    const declared = await route(new Request("http://x/", { method: "POST", body: JSON.stringify({ a: "x".repeat(200) }) }));
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(50)));
        controller.close();
      },
    });
    const chunked = await route(new Request("http://x/", { method: "POST", body: streamed, duplex: "half" } as RequestInit));
    expect(chunked.status).toBe(413);
  });

  it("accepts a body at the cap and rejects invalid UTF-8 and deep nesting as client errors", async () => {
    const exact = JSON.stringify({ a: "y".repeat(100 - 8) });
    expect(exact.length).toBe(100);
    expect((await route(new Request("http://x/", { method: "POST", body: exact }))).status).toBe(200);
    const badUtf8 = await route(new Request("http://x/", { method: "POST", body: new Uint8Array([0x7b, 0xff, 0x7d]) }));
    expect(((await badUtf8.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
    const deep = handle(async (request: Request) => Response.json(await parseJsonBody(request, z.object({ a: z.string() }))));
    const nested = await deep(new Request("http://x/", { method: "POST", body: "[".repeat(30_000) + "]".repeat(30_000) }));
    expect(nested.status).toBe(400);
  });
});

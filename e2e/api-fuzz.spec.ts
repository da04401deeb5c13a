import fc from "fast-check";
import { checkApiAnswer } from "./api/assertions";
import { fuzzBody, oversizedBodies, paramValue, queryString, type FuzzBody } from "./api/fuzz-inputs";
import { discoverApiRoutes, HTTP_METHODS, routePath, type ApiRoute, type HttpMethod } from "./api/routes";
import { apiClient } from "./api/sign-in";
import { expect, test } from "./fixtures";

/**
 * Every app/api/** route handler (found on disk, so new routes are fuzzed
 * without editing this file) × every exported method, anonymous and signed
 * in, against the production server: fast-check path parameters, query
 * strings and bodies (malformed JSON, wrong types, huge and deep values,
 * odd content types), then oversized bodies. Never a 5xx, never internals,
 * always typed JSON errors.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
// A fixed seed per run keeps a failure reproducible: the report prints it with the counterexample.
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
// Anvil account 8 is used by no other spec.
const FUZZ_ACCOUNT = 8;

const routes = discoverApiRoutes();
const allow503 = (route: ApiRoute) => route.template === "/api/health";


/**
 * Known route defects, each pinned by an expected-failure test below so a fix
 * shows up (that test then "unexpectedly passes": delete it and the entry
 * here). The random fuzz keeps away from exactly these inputs, so it stays a
 * guard against new defects instead of failing on a known one at random.
 */
const KNOWN_BUGS: Array<{ template: string; param: string; input: (value: string) => boolean; example: string; why: string }> = [];

function paramArbitrary(route: ApiRoute, name: string): fc.Arbitrary<string> {
  const known = KNOWN_BUGS.filter((bug) => bug.template === route.template && bug.param === name);
  return known.length === 0 ? paramValue : paramValue.filter((value) => !known.some((bug) => bug.input(value)));
}

function send(client: Awaited<ReturnType<typeof apiClient>>, method: HttpMethod, url: string, input: FuzzBody | null) {
  const headers: Record<string, string> = {};
  if (input?.contentType) headers["content-type"] = input.contentType;
  const hasBody = input !== null && method !== "GET" && method !== "HEAD";
  return client.fetch(url, { method, headers, data: hasBody ? input.body : undefined, maxRedirects: 0, failOnStatusCode: false, timeout: 30_000 });
}

test("discovers today's API routes", () => {
  const templates = routes.map((route) => route.template);
  expect(templates).toEqual(expect.arrayContaining(["/api/auth/verify", "/api/devices/[address]", "/api/v1/telemetry"]));
  for (const route of routes) expect(route.methods.length, `${route.file} exports no HTTP method`).toBeGreaterThan(0);
});

for (const route of routes) {
  for (const method of route.methods) {
    for (const role of ["anonymous", "signed in"] as const) {
      test(`fuzz ${method} ${route.template} (${role})`, async ({ baseURL }) => {
        const routeIndex = routes.indexOf(route) * HTTP_METHODS.length + HTTP_METHODS.indexOf(method);
        const client = await apiClient(baseURL!, `198.51.${role === "anonymous" ? 100 : 101}.${routeIndex % 250}`, role === "signed in" ? FUZZ_ACCOUNT : undefined);
        try {
          const params = fc.record(Object.fromEntries(route.params.map((name) => [name, paramArbitrary(route, name)])) as Record<string, fc.Arbitrary<string>>);
          await fc.assert(
            fc.asyncProperty(params, queryString, fuzzBody, async (values, query, input) => {
              const verdict = await checkApiAnswer(await send(client, method, routePath(route.template, values) + query, input), { allow503: allow503(route) });
              if (verdict.problem) throw new Error(`${verdict.problem} (${input.label}): ${verdict.status} ${verdict.body}`);
            }),
            { numRuns: RUNS, seed: SEED, endOnFailure: true },
          );
        } finally {
          await client.dispose();
        }
      });
    }
  }
}

for (const bug of KNOWN_BUGS) {
  test(`known bug, expected to fail until fixed: ${bug.template}: ${bug.why}`, async ({ baseURL }) => {
    test.fail(true, `BUG in ${bug.template}: ${bug.why}`);
    const client = await apiClient(baseURL!, "198.51.102.3");
    try {
      const verdict = await checkApiAnswer(await client.get(bug.example, { failOnStatusCode: false }));
      expect(verdict.problem, `${verdict.status} ${verdict.body}`).toBeNull();
    } finally {
      await client.dispose();
    }
  });
}

for (const route of routes.filter((r) => r.methods.some((m) => m !== "GET" && m !== "HEAD"))) {
  test(`oversized bodies to ${route.template} get a typed 4xx`, async ({ baseURL }) => {
    const client = await apiClient(baseURL!, "198.51.102.1");
    try {
      const values = Object.fromEntries(route.params.map((name) => [name, `0x${"ab".repeat(20)}`]));
      for (const method of route.methods.filter((m) => m !== "GET" && m !== "HEAD")) {
        for (const input of oversizedBodies()) {
          const response = await send(client, method, routePath(route.template, values), input);
          const verdict = await checkApiAnswer(response);
          expect(verdict.problem, `${method} ${input.label}: ${verdict.status} ${verdict.body}`).toBeNull();
          // Logout and the like ignore bodies; anything that reads one must refuse these.
          if (response.status() < 400) expect(["/api/auth/logout"]).toContain(route.template);
        }
      }
    } finally {
      await client.dispose();
    }
  });
}

test("methods a route does not export are refused without internals", async ({ baseURL }) => {
  const client = await apiClient(baseURL!, "198.51.102.2");
  try {
    for (const route of routes) {
      const values = Object.fromEntries(route.params.map((name) => [name, `0x${"ab".repeat(20)}`]));
      for (const method of (["PUT", "PATCH", "DELETE"] as const).filter((m) => !route.methods.includes(m))) {
        const response = await send(client, method, routePath(route.template, values), { contentType: "application/json", body: "{}", label: "unexported" });
        const verdict = await checkApiAnswer(response, { requireJsonErrors: false });
        expect(verdict.problem, `${method} ${route.template}`).toBeNull();
        expect(response.status(), `${method} ${route.template}`).toBe(405);
      }
    }
  } finally {
    await client.dispose();
  }
});

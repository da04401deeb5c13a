import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import pg from "pg";

/**
 * The driver adapter the schema engine runs migrations through: PrismaPg with
 * fixes for migration work (each reproduced with @prisma/adapter-pg 7.10):
 *
 * - Shadow databases: PrismaPg's connectToShadowDb passes `{ connectionString,
 *   database }` to pg, where the connection string wins, so the "shadow"
 *   connection is the main database, which the engine then replays migrations
 *   into and resets. Here each shadow database is a real throwaway database.
 * - PostgreSQL's internal `"char"` type (pg_constraint.contype etc.), which the
 *   engine's schema describer reads: PrismaPg rejects it ("Column type 'char'
 *   could not be deserialized"). Here it is reported as ColumnType Character.
 * - executeScript: PrismaPg splits the script on every ";" and runs the pieces
 *   one by one. Here the whole script goes in one simple-protocol query, as
 *   with the native engine: PostgreSQL runs it as one implicit transaction (a
 *   failed migration leaves nothing half-applied) and semicolons inside strings
 *   or function bodies survive.
 * - Every connection is remembered so closeAll() can end the pools (and drop
 *   shadow databases); otherwise they keep the process alive.
 */
export class MigrationPgAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = new PrismaPg({}).adapterName;
  readonly #url: string;
  readonly #open = new Set<SqlDriverAdapter>();

  constructor(connectionString: string) {
    this.#url = connectionString;
  }

  connect(): Promise<SqlDriverAdapter> {
    return this.#connectTo(this.#url);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "")}`;
    const drop = () => runAdminCommand(this.#url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await runAdminCommand(this.#url, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    try {
      return await this.#connectTo(withDatabase(this.#url, name), drop);
    } catch (error) {
      await drop();
      throw error;
    }
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#open].map((adapter) => adapter.dispose()));
  }

  async #connectTo(url: string, afterDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
    const pool = new pg.Pool({ connectionString: url });
    pool.on("connect", markCharColumns);
    const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    const tracked: SqlDriverAdapter = overrideMethods(adapter, {
      queryRaw: async (query: SqlQuery) => restoreCharColumns(await adapter.queryRaw(query)),
      startTransaction: async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) => {
        const transaction = await adapter.startTransaction(...args);
        return overrideMethods<Transaction>(transaction, {
          queryRaw: async (query: SqlQuery) => restoreCharColumns(await transaction.queryRaw(query)),
        });
      },
      executeScript: (script: string) => executeWholeScript(pool, script),
      dispose: async () => {
        // Both the engine and closeAll() may dispose; run it once only.
        if (!this.#open.delete(tracked)) return;
        await adapter.dispose();
        await afterDispose?.();
      },
    });
    this.#open.add(tracked);
    return tracked;
  }
}

/** A view of `target` with some methods replaced; everything else is the target's own. */
function overrideMethods<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get: (object, property) => {
      if (Object.hasOwn(overrides, property)) return Reflect.get(overrides, property);
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

// pg reports PostgreSQL's one-byte "char" type as OID 18, which PrismaPg cannot map. The
// pooled clients relabel such columns as text and tag their names; restoreCharColumns
// removes the tag and sets the column type the engine expects. The values themselves
// are single-character strings either way.
const CHAR_OID = 18;
const TEXT_OID = 25;
const CHAR_TAG = "\u0000char\u0000";

function markCharColumns(client: pg.PoolClient): void {
  const query = client.query;
  const marking = (...args: unknown[]): unknown => {
    const last = args.at(-1);
    // pg.Pool#query calls the client with a callback; direct client use gets a promise.
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) => Reflect.apply(last, undefined, [error, tagCharFields(result)]);
    }
    const returned: unknown = Reflect.apply(query, client, args);
    return returned instanceof Promise ? returned.then(tagCharFields) : returned;
  };
  client.query = marking as typeof client.query;
}

function tagCharFields(result: unknown): unknown {
  const fields: unknown = typeof result === "object" && result !== null ? Reflect.get(result, "fields") : undefined;
  if (Array.isArray(fields)) {
    for (const field of fields as pg.FieldDef[]) {
      if (field.dataTypeID !== CHAR_OID) continue;
      field.dataTypeID = TEXT_OID;
      field.name = CHAR_TAG + field.name;
    }
  }
  return result;
}

function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  result.columnNames.forEach((name, index) => {
    if (!name.startsWith(CHAR_TAG)) return;
    result.columnNames[index] = name.slice(CHAR_TAG.length);
    result.columnTypes[index] = ColumnTypeEnum.Character;
  });
  return result;
}

async function executeWholeScript(pool: pg.Pool, script: string): Promise<void> {
  try {
    await pool.query(script);
  } catch (error) {
    throw toDriverAdapterError(error);
  }
}

/** The engine understands DriverAdapterErrors; a PostgreSQL error maps to kind "postgres". */
function toDriverAdapterError(error: unknown): unknown {
  if (!(error instanceof Error) || !("code" in error) || typeof error.code !== "string") return error;
  const field = (name: string): string | undefined => {
    const value: unknown = Reflect.get(error, name);
    return typeof value === "string" ? value : undefined;
  };
  return new DriverAdapterError({
    kind: "postgres",
    code: error.code,
    severity: field("severity") ?? "ERROR",
    message: error.message,
    detail: field("detail"),
    column: field("column"),
    hint: field("hint"),
  });
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function runAdminCommand(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Durable storage of the sandbox in `node:sqlite`: components, test runs, attachments (their
 * bytes) and a small key/value table (the token signing key). Objects are kept as the JSON documents the commands answer,
 * with indexed columns for look-ups. Files use WAL mode with a busy timeout, and every write is
 * one `BEGIN IMMEDIATE` transaction, so several sandboxes (or processes) may share one file.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { closeDatabase, writeTransaction } from "../io/sqlite.ts";

/** A stored component document (the `getComponent` answer without uuAppErrorMap). */
export type ComponentDoc = Record<string, unknown> & {
  id: string;
  code: string;
  serialNumber: string | null;
};

/** A stored test run document (the `getTestRun` answer without uuAppErrorMap). */
export type TestRunDoc = Record<string, unknown> & { id: string; state: string };

/** A stored attachment's bytes and where they belong. */
export interface StoredAttachment {
  code: string;
  /** `testRun` or `component`. */
  ownerKind: "testRun" | "component";
  /** The run id or the component code. */
  ownerId: string;
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** Index columns of a component. */
export interface ComponentKeys {
  project: string;
  componentType: string;
  type: string;
  institution: string;
}

/** Index columns of a test run. */
export interface TestRunKeys {
  componentCode: string;
  project: string;
  componentType: string;
  testType: string;
  stage: string | null;
}

/** Filter of `listComponents`. */
export interface ComponentFilter {
  project: string;
  componentType?: string[];
  institution?: string[];
  type?: string[];
}

/** Filter of test-run listings; `states` empty means every state but "deleted". */
export interface TestRunFilter {
  componentCode?: string;
  project?: string;
  componentType?: string;
  testTypes?: string[];
  stages?: string[];
  states?: string[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS components (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  code TEXT NOT NULL UNIQUE,
  serial TEXT UNIQUE,
  project TEXT NOT NULL,
  component_type TEXT NOT NULL,
  type TEXT NOT NULL,
  institution TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS components_by_type ON components (project, component_type);
CREATE TABLE IF NOT EXISTS test_runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  component_code TEXT NOT NULL,
  project TEXT NOT NULL,
  component_type TEXT NOT NULL,
  test_type TEXT NOT NULL,
  stage TEXT,
  state TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS test_runs_by_component ON test_runs (component_code);
CREATE INDEX IF NOT EXISTS test_runs_by_type ON test_runs (project, component_type, test_type);
CREATE TABLE IF NOT EXISTS attachments (
  code TEXT PRIMARY KEY,
  owner_kind TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  data BLOB NOT NULL
);
`;

/** The sandbox database. */
export class Store {
  readonly #db: DatabaseSync;
  readonly #file: boolean;
  #closed = false;
  /** Prepared statements by their SQL: each is prepared once. */
  readonly #statements = new Map<string, StatementSync>();

  /** Opens (and creates when new) the database at `path` (`:memory:` for none). */
  constructor(path = ":memory:") {
    this.#file = path !== ":memory:" && path !== "";
    this.#db = new DatabaseSync(path || ":memory:");
    this.#db.exec("PRAGMA busy_timeout = 15000");
    if (this.#file) {
      this.#db.exec("PRAGMA journal_mode = WAL");
      this.#db.exec("PRAGMA synchronous = FULL");
    }
    this.transaction(() => this.#db.exec(SCHEMA));
  }

  /** Runs `fn` in one write transaction; a failure throws its real error (see `io/sqlite.ts`). */
  transaction<T>(fn: () => T): T {
    return writeTransaction(this.#db, fn);
  }

  /**
   * Simulates a full disk (for tests of storage faults, without a small file system): while
   * `full`, the database may not grow by a single page (SQLite `max_page_count`), so writes fail
   * with SQLITE_FULL as on a real full disk; reads go on.
   */
  setFull(full: boolean): void {
    const pages = (this.#prepare("PRAGMA page_count").get() as { page_count: number })
      .page_count;
    this.#db.exec(`PRAGMA max_page_count = ${full ? pages : 1073741823}`);
  }

  /** The value stored under `key`, or `init` stored there first when there is none. */
  metaOrInit(key: string, init: string): string {
    return this.transaction(() => {
      this.#prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)").run(key, init);
      const row = this.#prepare("SELECT value FROM meta WHERE key = ?").get(key) as
        | { value: string }
        | undefined;
      return row!.value;
    });
  }

  // ---- components ------------------------------------------------------------------------

  /** Stores a new component (inside a transaction the caller holds, or its own). */
  insertComponent(doc: ComponentDoc, keys: ComponentKeys): void {
    this.#prepare(
      `INSERT INTO components (id, code, serial, project, component_type, type, institution, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      doc.id,
      doc.code,
      doc.serialNumber,
      keys.project,
      keys.componentType,
      keys.type,
      keys.institution,
      JSON.stringify(doc),
    );
  }

  /** Replaces a stored component's document. */
  updateComponent(doc: ComponentDoc): void {
    this.#prepare("UPDATE components SET doc = ? WHERE code = ?").run(
      JSON.stringify(doc),
      doc.code,
    );
  }

  /** A component by code, serial number, alternative id or object id. */
  findComponent(ref: string): ComponentDoc | undefined {
    const row = this.#prepare(
      "SELECT doc FROM components WHERE code = ? OR serial = ? OR id = ? LIMIT 1",
    ).get(ref, ref, ref) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  /** True when a component has this serial number. */
  serialExists(serial: string): boolean {
    return !!this.#prepare("SELECT 1 FROM components WHERE serial = ?").get(serial);
  }

  /** A page of components matching `filter`, oldest first, and the total count. */
  listComponents(
    filter: ComponentFilter,
    offset: number,
    limit: number,
  ): { items: ComponentDoc[]; total: number } {
    const where = ["project = ?"];
    const args: string[] = [filter.project];
    inList(where, args, "component_type", filter.componentType);
    inList(where, args, "institution", filter.institution);
    inList(where, args, "type", filter.type);
    return this.#page<ComponentDoc>("components", where, args, offset, limit);
  }

  // ---- test runs -------------------------------------------------------------------------

  /** Stores a new test run. */
  insertTestRun(doc: TestRunDoc, keys: TestRunKeys): void {
    this.#prepare(
      `INSERT INTO test_runs (id, component_code, project, component_type, test_type, stage, state, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      doc.id,
      keys.componentCode,
      keys.project,
      keys.componentType,
      keys.testType,
      keys.stage,
      doc.state,
      JSON.stringify(doc),
    );
  }

  /** Replaces a stored test run's document (and its state column). */
  updateTestRun(doc: TestRunDoc): void {
    this.#prepare("UPDATE test_runs SET doc = ?, state = ? WHERE id = ?").run(
      JSON.stringify(doc),
      doc.state,
      doc.id,
    );
  }

  /** A test run by id. */
  getTestRun(id: string): TestRunDoc | undefined {
    const row = this.#prepare("SELECT doc FROM test_runs WHERE id = ?").get(id) as
      | { doc: string }
      | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  /** A page of test runs matching `filter`, oldest first, and the total count. */
  listTestRuns(
    filter: TestRunFilter,
    offset: number,
    limit: number,
  ): { items: TestRunDoc[]; total: number } {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.componentCode !== undefined) {
      where.push("component_code = ?");
      args.push(filter.componentCode);
    }
    if (filter.project !== undefined) {
      where.push("project = ?");
      args.push(filter.project);
    }
    if (filter.componentType !== undefined) {
      where.push("component_type = ?");
      args.push(filter.componentType);
    }
    inList(where, args, "test_type", filter.testTypes);
    inList(where, args, "stage", filter.stages);
    if (filter.states?.length) inList(where, args, "state", filter.states);
    else where.push("state <> 'deleted'");
    return this.#page<TestRunDoc>("test_runs", where, args, offset, limit);
  }

  // ---- attachments -----------------------------------------------------------------------

  /** Stores an attachment's bytes (inside the transaction that also updates its owner). */
  insertAttachment(a: StoredAttachment): void {
    this.#prepare(
      `INSERT INTO attachments (code, owner_kind, owner_id, filename, content_type, size, data)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(a.code, a.ownerKind, a.ownerId, a.filename, a.contentType, a.data.length, a.data);
  }

  /** An attachment by code. */
  getAttachment(code: string): StoredAttachment | undefined {
    const row = this.#prepare(
      `SELECT code, owner_kind, owner_id, filename, content_type, data FROM attachments
       WHERE code = ?`,
    ).get(code) as
      | {
        code: string;
        owner_kind: "testRun" | "component";
        owner_id: string;
        filename: string;
        content_type: string;
        data: Uint8Array;
      }
      | undefined;
    if (!row) return undefined;
    return {
      code: row.code,
      ownerKind: row.owner_kind,
      ownerId: row.owner_id,
      filename: row.filename,
      contentType: row.content_type,
      data: new Uint8Array(row.data),
    };
  }

  #page<T>(
    table: string,
    where: string[],
    args: string[],
    offset: number,
    limit: number,
  ): { items: T[]; total: number } {
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const total = (this.#prepare(`SELECT count(*) AS n FROM ${table} ${clause}`).get(
      ...args,
    ) as { n: number }).n;
    const rows = this.#prepare(
      `SELECT doc FROM ${table} ${clause} ORDER BY seq LIMIT ? OFFSET ?`,
    ).all(...args, limit, offset) as { doc: string }[];
    // The documents this store wrote itself into `table`, of the type that table holds.
    return { items: rows.map((r) => JSON.parse(r.doc) as T), total: Number(total) };
  }

  /** The prepared statement of `sql` (prepared on first use). */
  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) this.#statements.set(sql, statement = this.#db.prepare(sql));
    return statement;
  }

  /** Checkpoints the WAL into the main file and closes the database (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    closeDatabase(this.#db, this.#file);
  }
}

function inList(where: string[], args: string[], column: string, values?: string[]) {
  if (!values?.length) return;
  where.push(`${column} IN (${values.map(() => "?").join(", ")})`);
  args.push(...values);
}

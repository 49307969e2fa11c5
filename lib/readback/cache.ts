/**
 * The local cache of read-back test runs, in `node:sqlite`: each run's record (see
 * record.ts) with the version of its summary it was fetched for, and each listing (the
 * `listTestRunsByTestType` answer of one selection) with its members in order. Everything is
 * kept per site (the API URL), so that the sandbox and the real ITkPD never mix. A second look
 * reads only this file; a refresh compares the listing's summaries with the stored versions
 * and fetches only runs that are new or changed.
 *
 * Default place: `$HOME/.itkpd/test_runs.sqlite` (see {@link defaultCacheFile}).
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { closeDatabase, writeTransaction } from "../io/sqlite.ts";
import { join } from "node:path";
import type { RunRecord } from "./record.ts";
import type { SummaryForFilter } from "./selection.ts";

/** Bumped when the record shape changes; a cache of another format is emptied on open. */
const FORMAT = "2";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  site TEXT NOT NULL,
  id TEXT NOT NULL,
  version TEXT NOT NULL,
  record TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  UNIQUE (site, id)
);
CREATE TABLE IF NOT EXISTS listings (
  listing INTEGER PRIMARY KEY,
  site TEXT NOT NULL,
  query TEXT NOT NULL,
  synced_at TEXT NOT NULL,
  UNIQUE (site, query)
);
CREATE TABLE IF NOT EXISTS listed (
  listing INTEGER NOT NULL,
  position INTEGER NOT NULL,
  id TEXT NOT NULL,
  version TEXT NOT NULL,
  filter TEXT NOT NULL,
  PRIMARY KEY (listing, position)
);
`;

/**
 * One member of a listing: the run id, its summary's version, and what the local filters look
 * at in the summary (institution, date, components).
 */
export interface ListedRun {
  id: string;
  version: string;
  summary: SummaryForFilter;
}

/** A run to store: its record and the version of the summary it was fetched for. */
export interface FetchedRun {
  version: string;
  record: RunRecord;
}

/**
 * The cache file used when none is given: `$HOME/.itkpd/test_runs.sqlite` (`USERPROFILE` on
 * Windows), or `undefined` when neither variable may be read.
 *
 * @example
 * ```ts ignore
 * import { defaultCacheFile } from "./cache.ts";
 * defaultCacheFile(); // "/home/me/.itkpd/test_runs.sqlite"
 * ```
 */
export function defaultCacheFile(): string | undefined {
  for (const name of ["HOME", "USERPROFILE"]) {
    try {
      if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
        continue;
      }
      const home = Deno.env.get(name);
      if (home) return join(home, ".itkpd", "test_runs.sqlite");
    } catch {
      // Not allowed to ask.
    }
  }
  return undefined;
}

/**
 * The cache database.
 *
 * @example
 * ```ts
 * import { RunCache } from "./cache.ts";
 * using cache = new RunCache(":memory:");
 * cache.listing("http://127.0.0.1:1/api/", "{}"); // undefined: nothing synced yet
 * ```
 */
export class RunCache implements Disposable {
  readonly #db: DatabaseSync;
  readonly #file: boolean;
  readonly #statements = new Map<string, StatementSync>();
  #closed = false;

  /** Opens (and creates when new) the cache at `path` (`:memory:` for none). */
  constructor(path: string) {
    this.#file = path !== ":memory:";
    this.#db = new DatabaseSync(path);
    this.#db.exec("PRAGMA busy_timeout = 15000");
    if (this.#file) this.#db.exec("PRAGMA journal_mode = WAL");
    this.#transaction(() => {
      this.#db.exec(SCHEMA);
      const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'format'").get() as
        | { value: string }
        | undefined;
      if (row?.value !== FORMAT) {
        this.#db.exec("DROP TABLE runs; DROP TABLE listings; DROP TABLE listed;");
        this.#db.exec(SCHEMA);
        this.#db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('format', ?)").run(
          FORMAT,
        );
      }
    });
  }

  /** The stored version of every run of `site`, by id. */
  versions(site: string): Map<string, string> {
    const rows = this.#prepare("SELECT id, version FROM runs WHERE site = ?").all(site) as {
      id: string;
      version: string;
    }[];
    return new Map(rows.map((r) => [r.id, r.version]));
  }

  /** Stores fetched runs (one transaction), replacing older records of the same ids. */
  putRuns(site: string, runs: readonly FetchedRun[]): void {
    if (!runs.length) return;
    const now = new Date().toISOString();
    const insert = this.#prepare(
      `INSERT OR REPLACE INTO runs (site, id, version, record, fetched_at) VALUES (?, ?, ?, ?, ?)`,
    );
    this.#transaction(() => {
      for (const r of runs) {
        insert.run(site, r.record.id, r.version, JSON.stringify(r.record), now);
      }
    });
  }

  /** Replaces a listing's members (in order) and its time of sync. */
  replaceListing(site: string, query: string, members: readonly ListedRun[], syncedAt: Date) {
    const insert = this.#prepare(
      "INSERT INTO listed (listing, position, id, version, filter) VALUES (?, ?, ?, ?, ?)",
    );
    this.#transaction(() => {
      this.#prepare(
        `INSERT INTO listings (site, query, synced_at) VALUES (?, ?, ?)
         ON CONFLICT (site, query) DO UPDATE SET synced_at = excluded.synced_at`,
      ).run(site, query, syncedAt.toISOString());
      const { listing } = this.#prepare(
        "SELECT listing FROM listings WHERE site = ? AND query = ?",
      ).get(site, query) as { listing: number };
      this.#prepare("DELETE FROM listed WHERE listing = ?").run(listing);
      members.forEach((m, i) =>
        insert.run(listing, i, m.id, m.version, JSON.stringify(filterPart(m.summary)))
      );
    });
  }

  /** A listing's members in order and when it was synced; `undefined` when never synced. */
  listing(site: string, query: string): { syncedAt: string; members: ListedRun[] } | undefined {
    const head = this.#prepare(
      "SELECT listing, synced_at FROM listings WHERE site = ? AND query = ?",
    ).get(site, query) as { listing: number; synced_at: string } | undefined;
    if (!head) return undefined;
    const rows = this.#prepare(
      "SELECT id, version, filter FROM listed WHERE listing = ? ORDER BY position",
    ).all(head.listing) as { id: string; version: string; filter: string }[];
    return {
      syncedAt: head.synced_at,
      members: rows.map((r) => ({ id: r.id, version: r.version, summary: JSON.parse(r.filter) })),
    };
  }

  /**
   * The stored records of the `wanted` runs (in that order) whose version is the one given;
   * runs not stored, or stored for another version, are left out.
   */
  records(site: string, wanted: readonly { id: string; version: string }[]): RunRecord[] {
    const rows = this.#prepare("SELECT id, version, record FROM runs WHERE site = ?").all(
      site,
    ) as { id: string; version: string; record: string }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: RunRecord[] = [];
    for (const w of wanted) {
      const row = byId.get(w.id);
      if (row && row.version === w.version) out.push(JSON.parse(row.record));
    }
    return out;
  }

  /** Closes the database (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeDatabase(this.#db, this.#file);
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  #prepare(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  #transaction<T>(fn: () => T): T {
    return writeTransaction(this.#db, fn);
  }
}

/** What the local filters need of a summary (the rest is not kept). */
function filterPart(s: SummaryForFilter): SummaryForFilter {
  return {
    date: s.date ?? null,
    institution: s.institution ? { code: s.institution.code } : null,
    components: (s.components ?? []).map((c) => ({
      code: c.code,
      serialNumber: c.serialNumber ?? null,
    })),
  };
}

/**
 * Helpers of the sandbox tests: plain `node:http` calls over loopback (GET bodies included),
 * a token, and canned inputs. Deliberately independent of lib/client/.
 *
 * @module
 */
import { request } from "node:http";
import type { Sandbox } from "../../lib/sandbox/mod.ts";

/** An HTTP answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // deno-lint-ignore no-explicit-any
  json: any;
}

/** Options of {@link http}. */
export interface CallOptions {
  method?: string;
  /** JSON body (serialized). */
  body?: unknown;
  /** Raw body text (sent as is). */
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** One request on a fresh connection; rejects when the connection breaks without an answer. */
export function http(url: string, opts: CallOptions = {}): Promise<Answer> {
  const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const headers: Record<string, string> = { ...opts.headers };
  if (payload !== undefined) {
    headers["content-type"] ??= "application/json";
    headers["content-length"] = String(new TextEncoder().encode(payload).length);
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "POST", headers, agent: false }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = new TextDecoder().decode(Buffer.concat(chunks));
        let json: unknown = undefined;
        try {
          json = JSON.parse(text);
        } catch { /* not JSON (the HTML page) */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A fresh id_token of `sb`. */
export async function tokenOf(
  sb: Pick<Sandbox, "authUrl" | "accessCode1" | "accessCode2">,
  scope?: string,
): Promise<string> {
  const res = await http(sb.authUrl + "grantToken", {
    body: {
      grant_type: "password",
      accessCode1: sb.accessCode1,
      accessCode2: sb.accessCode2,
      ...(scope === undefined ? {} : { scope }),
    },
  });
  if (res.status !== 200) throw new Error(`grantToken: ${res.status} ${res.text}`);
  return res.json.id_token;
}

/** A client bound to one sandbox and token: `api("getComponent", {component})`. */
export async function apiOf(sb: Sandbox) {
  const token = await tokenOf(sb);
  return (command: string, body?: unknown, opts: Omit<CallOptions, "body"> = {}) =>
    http(sb.apiUrl + command, { token, body, ...opts });
}

/** A valid legacy WIREBOND upload for `component`. */
export function wirebondRun(component: string, runNumber = "1"): Record<string, unknown> {
  return {
    component,
    testType: "WIREBOND",
    institution: "SANDBOX_A",
    runNumber,
    passed: false,
    problems: false,
    properties: { MACHINE: "DAGE", LOAD: 20, OPERATOR: "op", SPEED: 250, SHEAR: 0 },
    results: {
      PERCENT_HEEL_BREAKS: 0,
      MEAN_LOAD: 8.702613,
      STD_DEV_LOAD: 1.272768,
      MAX_LOAD: 10.997,
      MIN_LOAD: 5.5805,
    },
  };
}

/** A valid WIREBOND_PULL_TEST upload for `component`. */
export function pullTestRun(component: string, runNumber = "1"): Record<string, unknown> {
  return {
    component,
    testType: "WIREBOND_PULL_TEST",
    institution: "SANDBOX_A",
    runNumber,
    passed: true,
    problems: false,
    properties: {
      OPERATOR: "op",
      MACHINE: "DAGE",
      BREAK_MODE_MAPPING: "1→0, 2→1",
      ANALYSIS_VERSION: "1",
    },
    results: {
      WIRE_PULLS: 3,
      PULL_STRENGTH: 8.5,
      PULL_STRENGTH_ERROR: 0.5,
      PULL_STRENGTH_MIN: 8,
      PULL_STRENGTH_MAX: 9,
      WIRE_BREAKS_5G: 0,
      HEEL_BREAKS_ON_FE_CHIP: 0,
      HEEL_BREAKS_ON_PCB: 33.3,
      BOND_PEEL: 0,
      LIFT_OFFS_LESS_THAN_7G: 0,
      DATA_UNAVAILABLE: false,
      PULL_STRENGTH_DATA: [[8, 0, 1], [8.5, 1, 1], [9, 0, 2]],
    },
  };
}

/** A temporary directory removed by the returned function. */
export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await Deno.makeTempDir({ prefix: "itkpd_sandbox_" });
  return { path, remove: () => Deno.remove(path, { recursive: true }) };
}

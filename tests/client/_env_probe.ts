/**
 * Run as a subprocess by env_test.ts with a narrow `--allow-env`: reads the configuration and
 * builds a client, then prints what it saw as JSON. Must not crash on ungranted variables.
 *
 * @module
 */
import { configFromEnv, ItkpdClient } from "../../lib/client/mod.ts";

const settings = configFromEnv();
const client = new ItkpdClient({ onWarning: () => {} });
console.log(JSON.stringify({ settings, apiUrl: client.config.apiUrl }));
client.close();

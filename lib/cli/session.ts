/**
 * Where the scripts keep the ITkPD session between runs (so that they do not ask for the access
 * codes again): `$HOME/.itkpd/session.json`, a file readable by the user alone. Used only when
 * the script's task grants the `HOME` variable and read/write access to `$HOME/.itkpd`; set
 * `ITKPD_NO_SESSION=1` to keep nothing.
 *
 * @module
 */
import { join } from "node:path";

function envGranted(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** The session file to use, or undefined when the script may not keep one. */
export function defaultSessionFile(): string | undefined {
  if (envGranted("ITKPD_NO_SESSION")) return undefined;
  const home = envGranted("HOME") ?? envGranted("USERPROFILE");
  if (!home) return undefined;
  const dir = join(home, ".itkpd");
  const path = join(dir, "session.json");
  try {
    const read = Deno.permissions.querySync({ name: "read", path });
    const write = Deno.permissions.querySync({ name: "write", path });
    return read.state === "granted" && write.state === "granted" ? path : undefined;
  } catch {
    return undefined;
  }
}

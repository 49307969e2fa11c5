/**
 * A private CA and server certificates for the TLS tests, made with `openssl` in a temporary
 * folder on first use (nothing secret is committed; removed at exit). Every certificate is for
 * 127.0.0.1 and localhost unless its name says otherwise:
 * - `server`: signed by the CA, valid 10 years from now;
 * - `expired`: signed by the CA, valid 2020-01-01..2021-01-01;
 * - `otherName`: signed by the CA, for `other.example` only;
 * - `selfSigned`: signed by itself.
 */

/** A certificate and its key: file paths and PEM text. */
export interface CertFiles {
  cert: string;
  key: string;
  certPem: string;
  keyPem: string;
}

/** What {@link testPki} makes. */
export interface TestPki {
  /** The folder holding every file. */
  dir: string;
  /** The CA certificate file (PEM): what a site gives its users. */
  caFile: string;
  /** The CA certificate (PEM text). */
  caPem: string;
  server: CertFiles;
  expired: CertFiles;
  otherName: CertFiles;
  selfSigned: CertFiles;
}

let made: Promise<TestPki> | undefined;

/** The test PKI of this test process (made once). */
export function testPki(): Promise<TestPki> {
  made ??= make();
  return made;
}

async function make(): Promise<TestPki> {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-pki-" });
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  });
  const at = (name: string) => `${dir}/${name}`;
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "3650",
    "-subj",
    "/CN=itkpd test CA",
  ]);
  await Deno.writeTextFile(at("ca.cnf"), CA_CONFIG);
  await Deno.mkdir(at("issued"));
  await Deno.writeTextFile(at("index.txt"), "");
  await Deno.writeTextFile(at("serial"), "1000\n");
  await openssl(dir, [
    "req",
    ...ec,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=127.0.0.1",
  ]);
  const sign = (out: string, extensions: string, dates: string[]) =>
    openssl(dir, [
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      "-extensions",
      extensions,
      "-in",
      "server.csr",
      "-out",
      out,
      "-notext",
      ...dates,
    ]);
  await sign("server.pem", "loopback", ["-days", "3650"]);
  await sign("expired.pem", "loopback", [
    "-startdate",
    "20200101000000Z",
    "-enddate",
    "20210101000000Z",
  ]);
  await sign("other.pem", "other", ["-days", "3650"]);
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "self.key",
    "-out",
    "self.pem",
    "-days",
    "3650",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]);
  const files = async (cert: string, key: string): Promise<CertFiles> => ({
    cert: at(cert),
    key: at(key),
    certPem: await Deno.readTextFile(at(cert)),
    keyPem: await Deno.readTextFile(at(key)),
  });
  return {
    dir,
    caFile: at("ca.pem"),
    caPem: await Deno.readTextFile(at("ca.pem")),
    server: await files("server.pem", "server.key"),
    expired: await files("expired.pem", "server.key"),
    otherName: await files("other.pem", "server.key"),
    selfSigned: await files("self.pem", "self.key"),
  };
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" })
      .output();
  } catch (e) {
    throw new Error(
      `the TLS tests need openssl (apt-get install openssl): ${(e as Error).message}`,
    );
  }
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

const CA_CONFIG = `[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
serial = serial
new_certs_dir = issued
certificate = ca.pem
private_key = ca.key
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
[ loopback ]
subjectAltName = IP:127.0.0.1,DNS:localhost
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = serverAuth
[ other ]
subjectAltName = DNS:other.example
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = serverAuth
`;

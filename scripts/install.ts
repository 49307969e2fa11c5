/**
 * `deno task install` / `deno task uninstall`: the `itkpd` command, one subcommand per step,
 * installed into Deno's global bin folder (`$DENO_INSTALL_ROOT/bin`, default
 * `$HOME/.deno/bin`). See `--help` and `lib/install/`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { defineCommand, runCommand } from "../lib/cli/command.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "install",
  usage: ["", "--uninstall"],
  description: `Installs the command \`itkpd\`, one subcommand per step (itkpd get-token, itkpd
upload-wirebond-results, …; \`itkpd --help\` lists them), into $DENO_INSTALL_ROOT/bin (default
$HOME/.deno/bin). Each subcommand runs in the folder you are in, with exactly the flags of its
task in deno.json, with the Deno running this install (found by its path: no \`deno\` on PATH
needed) and nothing downloaded. Install again after updating this clone.`,
  flags: {
    uninstall: { type: "boolean", help: "remove the command instead (deno task uninstall)" },
  },
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags }) => {
    const { binFolder, installCommand, onPath, uninstallCommand } = await import(
      "../lib/install/install.ts"
    );
    const env = {
      DENO_INSTALL_ROOT: Deno.env.get("DENO_INSTALL_ROOT"),
      HOME: Deno.env.get("HOME"),
      PATH: Deno.env.get("PATH"),
    };
    const bin = binFolder(env);
    if (flags.uninstall) {
      const done = await uninstallCommand(bin);
      console.log(
        done === "removed"
          ? `removed ${bin}/itkpd`
          : `itkpd is not installed in ${bin}: nothing to do`,
      );
      return 0;
    }
    const deno = Deno.execPath();
    const viaNpx = /[\\/]_npx[\\/]/.test(deno);
    const reinstall = viaNpx
      ? `npx -y deno@${Deno.version.deno} task install`
      : "deno task install";
    const result = await installCommand({ root: ROOT, deno, bin, reinstall });
    console.log(
      `${result.status === "unchanged" ? "already installed" : "installed"}: ${result.path} ` +
        `(${result.commands.length} commands: itkpd --help lists them)`,
    );
    console.log(`it runs the steps of ${ROOT} with the Deno at ${deno}`);
    if (viaNpx) {
      console.log(
        "note: that Deno came through npx; if the npm cache is cleaned, the command says so: " +
          `then run \`${reinstall}\` here again`,
      );
    }
    if (!onPath(bin, env.PATH)) {
      const shown = env.HOME && bin === `${env.HOME}/.deno/bin` ? "$HOME/.deno/bin" : bin;
      console.log(
        `${bin} is not on your PATH yet: add it, e.g. for bash\n` +
          `  echo 'export PATH="${shown}:$PATH"' >> ~/.bashrc\n` +
          "(zsh: ~/.zshrc; other shells: ~/.profile), then open a new terminal.",
      );
    }
    return 0;
  });
}

#!/usr/bin/env python3
"""Executes Jupyter notebooks in the real Deno kernel and writes the executed copies.

Used by `deno task notebooks` (scripts/run_notebooks.ts); not meant to be run by hand.
nbconvert loses outputs of the Deno kernel intermittently, so this runner talks to the kernel
through jupyter_client directly: for each cell it waits for the execute reply and for the kernel
to go idle, then keeps draining the iopub channel briefly so that late outputs are not lost.

The executed copies are signed as `jupyter trust` signs them (nbformat's NotebookNotary, with
the user's Jupyter secret and signature database): Jupyter then shows their HTML and SVG outputs
as they were produced, instead of "Not Trusted" placeholders.

Usage: _notebook_runner.py --out DIR [--timeout SECONDS] [--allow-errors] NOTEBOOK...
Exit status: 0 when every cell ran without an error output (or --allow-errors), 1 otherwise,
2 on bad usage.
"""
import argparse
import json
import os
import queue
import sys
import time

import nbformat
from jupyter_client.manager import KernelManager
from nbformat.sign import NotebookNotary

DRAIN_SECONDS = 0.5


def output_from(msg):
    """Turns an iopub message into a notebook output, or None."""
    kind = msg["msg_type"]
    content = msg["content"]
    if kind == "stream":
        return nbformat.v4.new_output("stream", name=content["name"], text=content["text"])
    if kind == "display_data":
        return nbformat.v4.new_output(
            "display_data", data=content.get("data", {}), metadata=content.get("metadata", {})
        )
    if kind == "execute_result":
        return nbformat.v4.new_output(
            "execute_result",
            data=content.get("data", {}),
            metadata=content.get("metadata", {}),
            execution_count=content.get("execution_count"),
        )
    if kind == "error":
        return nbformat.v4.new_output(
            "error",
            ename=content.get("ename", ""),
            evalue=content.get("evalue", ""),
            traceback=content.get("traceback", []),
        )
    return None


class Outputs(list):
    """A cell's outputs; an update_display_data replaces the output with its display id."""

    def __init__(self):
        super().__init__()
        self.by_display_id = {}

    def take(self, msg):
        kind = msg["msg_type"]
        display_id = (msg["content"].get("transient") or {}).get("display_id")
        if kind == "update_display_data":
            for index in self.by_display_id.get(display_id, []):
                self[index]["data"] = msg["content"].get("data", {})
                self[index]["metadata"] = msg["content"].get("metadata", {})
            return None
        out = output_from(msg)
        if out is None:
            return None
        if display_id is not None:
            self.by_display_id.setdefault(display_id, []).append(len(self))
        self.append(out)
        return out


def run_cell(kc, source, timeout):
    """Runs one cell; returns (outputs, error_text or None)."""
    msg_id = kc.execute(source, store_history=True, allow_stdin=False)
    outputs = Outputs()
    error = None
    idle = False
    replied = False
    deadline = time.monotonic() + timeout
    while not (idle and replied):
        if time.monotonic() > deadline:
            return outputs, f"cell did not finish within {timeout} s"
        if not replied:
            try:
                reply = kc.get_shell_msg(timeout=0.05)
                if reply["parent_header"].get("msg_id") == msg_id:
                    replied = True
                    if reply["content"].get("status") == "error":
                        c = reply["content"]
                        error = error or f"{c.get('ename', 'Error')}: {c.get('evalue', '')}"
            except queue.Empty:
                pass
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
            continue
        out = outputs.take(msg)
        if out is not None and out.output_type == "error":
            error = error or f"{out.ename}: {out.evalue}"
    # Late outputs can arrive after the idle status: drain briefly.
    end = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < end:
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out = outputs.take(msg)
        if out is not None and out.output_type == "error":
            error = error or f"{out.ename}: {out.evalue}"
    return outputs, error


def run_notebook(path, out_dir, timeout, allow_errors=False):
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="deno")
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    env.pop("RUST_BACKTRACE", None)
    km.start_kernel(cwd=os.path.dirname(os.path.abspath(path)), env=env)
    kc = km.client()
    kc.start_channels()
    failures = []
    try:
        kc.wait_for_ready(timeout=120)
        count = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            count += 1
            outputs, error = run_cell(kc, cell.source, timeout)
            cell.outputs = list(outputs)
            cell.execution_count = count
            if error and not allow_errors:
                failures.append(f"{path}: cell {index + 1}: {error}")
                break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    target = os.path.join(out_dir, os.path.basename(path))
    # Trusted, as `jupyter trust` makes it: the outputs are those of this run.
    NotebookNotary().sign(nb)
    nbformat.write(nb, target)
    return failures, target


def main():
    parser = argparse.ArgumentParser(description="Execute notebooks in the Deno kernel.")
    parser.add_argument("--out", required=True, help="folder for the executed copies")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per cell")
    parser.add_argument("--allow-errors", action="store_true",
                        help="run every cell even after an error (tests of error outputs)")
    parser.add_argument("notebooks", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    all_failures = []
    for path in args.notebooks:
        started = time.monotonic()
        failures, target = run_notebook(path, args.out, args.timeout, args.allow_errors)
        all_failures += failures
        state = "FAILED" if failures else "ok"
        print(json.dumps({"notebook": path, "executed": target, "status": state,
                          "seconds": round(time.monotonic() - started, 1)}), flush=True)
    for f in all_failures:
        print(f, file=sys.stderr)
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())

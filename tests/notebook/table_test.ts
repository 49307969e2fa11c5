import assert from "node:assert/strict";
import { NOWRAP_MAX, table } from "../../lib/notebook/table.ts";
import { hasRawControl } from "../_helpers/control_chars.ts";
import { $display } from "../../lib/display/mime.ts";

const ROWS = [
  { module: "20UPGM22110001", mean: 8.702613, min: 5.5805, pulls: 60, passed: true },
  { module: "<script>alert('x')</script>", mean: 6.1, min: 3.25, pulls: 7, passed: false },
  { module: "A&B", mean: 10, min: 9.5, pulls: 12 },
];

/** The cells of an HTML table: rows of cell texts (tags stripped). */
function cells(html: string, tag: "td" | "th"): string[][] {
  const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
  return rows
    .map((r) =>
      [...r.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, "g"))].map((c) => c[1])
    )
    .filter((r) => r.length > 0);
}

Deno.test("table", async (t) => {
  await t.step("HTML escapes every text, <script> included", () => {
    const html = table(ROWS, { title: "<b>Wire pull</b>" }).toHtml();
    assert.ok(!html.includes("<script>"));
    assert.ok(html.includes("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert.ok(html.includes("A&amp;B"));
    assert.ok(html.includes("&lt;b&gt;Wire pull&lt;/b&gt;"));
  });

  await t.step("HTML: MathJax leaves the table alone (two $ are not a formula)", () => {
    const html = table([{ where: "a.csv $.institution" }, { where: "b.csv $.institution" }], {
      title: "$.results",
    }).toHtml();
    assert.match(html, /<table class="itkpd-table tex2jax_ignore">/);
    assert.match(html, /<div class="itkpd-table-title tex2jax_ignore"/);
  });

  await t.step("HTML: the title is a line above the table; short cells never wrap", () => {
    const long = "x".repeat(NOWRAP_MAX + 1);
    const html = table([{ plan: "to create", note: long }], { title: "0 module(s) with a note" })
      .toHtml();
    // A <caption> is as narrow as its table: a title there wraps one word per line.
    assert.ok(!html.includes("<caption"), html);
    assert.match(
      html,
      /^<div class="itkpd-table-title tex2jax_ignore"[^>]*>0 module\(s\) with a note<\/div>\n<table/,
    );
    assert.match(html, /<td style="[^"]*white-space:nowrap[^"]*">to create<\/td>/);
    assert.match(html, /<th style="[^"]*white-space:nowrap[^"]*">plan<\/th>/);
    assert.match(html, new RegExp(`<td style="text-align:left">${long}</td>`));
  });

  await t.step("HTML has one header cell per column and one row per record", () => {
    const html = table(ROWS).toHtml();
    assert.deepEqual(cells(html, "th"), [["module", "mean", "min", "pulls", "passed"]]);
    const body = cells(html, "td");
    assert.equal(body.length, 3);
    assert.ok(body.every((r) => r.length === 5));
    assert.deepEqual(body[0], ["20UPGM22110001", "8.703", "5.580", "60", "✓"]);
    assert.equal(body[2][4], "");
  });

  await t.step("booleans are ✓/✗ with a pass/fail class", () => {
    const html = table(ROWS).toHtml();
    assert.match(html, /<td class="itkpd-pass"[^>]*>✓<\/td>/);
    assert.match(html, /<td class="itkpd-fail"[^>]*>✗<\/td>/);
  });

  await t.step("columns choose and order the columns; format replaces a column's text", () => {
    const tbl = table(ROWS, {
      columns: ["pulls", "module"],
      format: { pulls: (v) => `${v} pulls` },
    });
    const html = tbl.toHtml();
    assert.deepEqual(cells(html, "th"), [["pulls", "module"]]);
    assert.deepEqual(cells(html, "td")[0], ["60 pulls", "20UPGM22110001"]);
  });

  await t.step("text: columns aligned, numbers right-aligned with shared decimals", () => {
    const text = table(ROWS, { title: "Wire pull" }).toString();
    const lines = text.split("\n");
    assert.equal(lines[0], "Wire pull");
    assert.match(lines[2], /^-+ {2}-+ {2}-+ {2}-+ {2}-+$/);
    // Every column starts where its rule starts; numbers end where the rule ends.
    const starts = [...lines[2].matchAll(/-+/g)].map((m) => [m.index!, m.index! + m[0].length]);
    const [, meanEnd] = starts[1];
    for (const line of lines.slice(3)) {
      const meanText = line.slice(starts[1][0], meanEnd);
      assert.match(meanText, /^ *\d+\.\d{3}$/, `mean column in ${JSON.stringify(line)}`);
    }
    assert.ok(lines[3].includes("8.703"));
    assert.ok(lines[5].includes("10.000"));
    assert.equal(lines.length, 6);
    const header = lines[1];
    assert.equal(header.indexOf("mean") + "mean".length, meanEnd);
    assert.equal(header.indexOf("module"), 0);
  });

  await t.step("numbers: integers as they are, tiny values in exponent form, NaN shown", () => {
    const text = table([{ i: 1e-7, n: 3, x: NaN }, { i: 2.5e-8, n: 12, x: 1 }]).toString();
    assert.ok(text.includes("1.000e-7"));
    assert.ok(text.includes("2.500e-8"));
    assert.ok(text.includes("NaN"));
  });

  await t.step("maxRows shows the first rows and counts the rest", () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ i }));
    const tbl = table(rows, { maxRows: 3 });
    assert.equal(cells(tbl.toHtml(), "td").length, 4); // 3 rows + the note
    assert.ok(tbl.toString().endsWith("… 7 more rows (10 in all)"));
  });

  await t.step("empty tables say so", () => {
    assert.ok(table([]).toString().includes("(no rows)"));
  });

  await t.step(
    "links: an escaped <a> in HTML, the text in plain text, unsafe schemes refused",
    () => {
      const rows = [
        { file: "a&b.csv", href: "data:text/csv;base64,YSxi" },
        { file: "x.csv", href: "javascript:alert(1)" },
        { file: "none.csv", href: undefined },
      ];
      const tbl = table(rows, {
        columns: ["file"],
        links: {
          file: (value, row) =>
            row.href === undefined
              ? undefined
              : { href: String(row.href), download: String(value), text: `⬇ ${value}` },
        },
      });
      const html = tbl.toHtml();
      assert.ok(
        html.includes(
          '<a href="data:text/csv;base64,YSxi" download="a&amp;b.csv">⬇ a&amp;b.csv</a>',
        ),
        html,
      );
      assert.ok(!html.includes("javascript:"), html);
      assert.ok(html.includes(">x.csv</td>"));
      assert.ok(html.includes(">none.csv</td>"));
      assert.ok(tbl.toString().includes("⬇ a&b.csv"));
    },
  );

  await t.step("renders as text/html and text/plain in the kernel", () => {
    const bundle = table(ROWS)[$display]();
    assert.ok(String(bundle["text/html"]).startsWith("<table"));
    assert.ok(String(bundle["text/plain"]).includes("20UPGM22110001"));
  });
});

Deno.test("table: values from files never act on a terminal or break a row", () => {
  const t = table([{ file: "m\nplan: 0 to create\x1b]0;pwned\x07.csv", label: "r1\u202e02" }], {
    title: "crafted\r",
  });
  const text = t.toString();
  assert.ok(!hasRawControl(text), JSON.stringify(text));
  assert.equal(text.split("\n").length, 4);
  assert.match(text, /m\\nplan: 0 to create\\x1b\]0;pwned\\x07\.csv/);
  assert.match(text, /r1\\u202e02/);
  const html = t.toHtml();
  assert.ok(!hasRawControl(html.replaceAll("\n", "")), html);
  assert.match(html, /crafted\\r/);
});

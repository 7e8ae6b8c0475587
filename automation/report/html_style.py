"""The report's inline style sheet: the report is one file a person may mail or archive, so nothing it
needs may live elsewhere (no external CSS, fonts or scripts). Laid out for a 1600 px wide window."""

from __future__ import annotations

CSS = """
:root { --ink:#1d2733; --muted:#5b6776; --line:#dde3ea; --bg:#f5f7fa; --card:#fff;
  --ok:#137333; --ok-bg:#e6f4ea; --bad:#b3261e; --bad-bg:#fce8e6; --warn:#8a5a00; --warn-bg:#fef3d6;
  --accent:#0b5cad; --accent-bg:#e8f0fb; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
main { max-width:1560px; margin:0 auto; padding:24px 28px 48px; }
header.run { display:flex; justify-content:space-between; align-items:flex-start; gap:24px;
  background:var(--card); border:1px solid var(--line); border-radius:10px; padding:18px 22px; }
header.run h1 { margin:0 0 4px; font-size:22px; }
header.run .meta { color:var(--muted); display:flex; flex-wrap:wrap; gap:4px 18px; }
header.run .meta b { color:var(--ink); font-weight:600; }
.badge { display:inline-block; padding:3px 10px; border-radius:999px; font-weight:600; font-size:13px;
  white-space:nowrap; }
.badge.ok { color:var(--ok); background:var(--ok-bg); }
.badge.failed { color:var(--bad); background:var(--bad-bg); }
.badge.warn { color:var(--warn); background:var(--warn-bg); }
.badge.info { color:var(--accent); background:var(--accent-bg); }
.status { text-align:right; min-width:320px; }
.nowrap { white-space:nowrap; }
.status .badge { font-size:16px; padding:6px 16px; }
.status .code { color:var(--muted); margin-top:6px; }
.strip { display:grid; grid-template-columns:repeat(6,minmax(0,1fr)); gap:14px; margin:18px 0; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.card h3 { margin:0 0 6px; font-size:12px; text-transform:uppercase; letter-spacing:.04em;
  color:var(--muted); font-weight:600; }
.card .figure { font-size:30px; font-weight:700; line-height:1.1; }
.card .detail { color:var(--muted); margin-top:4px; }
section { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 20px;
  margin:18px 0; }
section h2 { margin:0 0 12px; font-size:17px; }
section.error { border-color:#f1b4ae; background:#fffafa; }
section.error .message { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
  white-space:pre-wrap; background:var(--bad-bg); padding:10px 12px; border-radius:6px; }
.advice { margin:10px 0 0; padding:10px 12px; background:var(--warn-bg); border-radius:6px; }
table { width:100%; border-collapse:collapse; }
th, td { text-align:left; padding:7px 9px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; text-transform:uppercase; letter-spacing:.03em; color:var(--muted);
  background:#fafbfc; position:sticky; top:0; }
tbody tr:hover { background:#f8fafc; }
td.mono, .mono { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:13px; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
th.channel, td.channel { text-align:center; width:72px; }
td.channel.seen { color:var(--ok); font-weight:700; }
section.warnings ul { margin:0; padding-left:18px; }
section.warnings li { margin:4px 0; }
.muted { color:var(--muted); }
.empty { color:var(--muted); font-style:italic; }
.kv { display:grid; grid-template-columns:200px 1fr; gap:6px 16px; }
.kv dt { color:var(--muted); }
.kv dd { margin:0; word-break:break-all; }
.bar { height:10px; background:var(--accent); border-radius:5px; min-width:2px; }
.bars td:nth-child(3) { width:60%; }
figure { margin:12px 0; }
figure img { max-width:min(100%, 1100px); border:1px solid var(--line); border-radius:6px; display:block; }
figcaption { color:var(--muted); margin-top:4px; }
footer { color:var(--muted); font-size:12px; margin-top:24px; text-align:center; }
"""

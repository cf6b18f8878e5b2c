"""summary.md and report.html from one list of blocks (headings, paragraphs, tables, figures).
The HTML page is self-contained: inline CSS, figures as base64 data URIs, no scripts, no links
to the network."""
from __future__ import annotations

import base64
import html
import math
from typing import List, Optional, Sequence

# ---- number formatting -------------------------------------------------------------------------


def _isnan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def num(v, unit: str, signed: bool = False) -> str:
    """A number in the indicator's unit, without the unit symbol."""
    if _isnan(v):
        return "–"
    sign = "+" if signed else ""
    if unit == "share":
        return f"{100 * v:{sign}.1f}"
    if unit == "index":
        return f"{v:{sign}.3f}"
    if unit == "EUR":
        if abs(v) >= 1e6:
            return f"{v / 1e6:{sign},.2f} M"
        return f"{v:{sign},.0f}"
    if unit in ("t", "EUR/t"):
        return f"{v:{sign},.0f}"
    if unit in ("count", "units", "weight"):
        return f"{v:{sign},.0f}" if float(v).is_integer() else f"{v:{sign},.1f}"
    return f"{v:{sign}.4g}"


SUFFIX = {"share": " %", "EUR": " €", "t": " t", "EUR/t": " €/t"}
DIFF_SUFFIX = {"share": " pp", "EUR": " €", "t": " t", "EUR/t": " €/t"}


def value(v, unit: str) -> str:
    s = num(v, unit)
    return s if s == "–" else s + SUFFIX.get(unit, "")


def estimate(mean, low, high, unit: str, diff: bool = False) -> str:
    """'12.3 % [11.0; 13.6]' or, for a difference, '+1.2 pp [-0.3; +2.7]'."""
    if _isnan(mean):
        return "–"
    suffix = (DIFF_SUFFIX if diff else SUFFIX).get(unit, "")
    out = num(mean, unit, signed=diff) + suffix
    if not _isnan(low):
        out += f" [{num(low, unit, signed=diff)}; {num(high, unit, signed=diff)}]"
    return out


# ---- blocks ----------------------------------------------------------------------------------


class Doc:
    def __init__(self, title: str):
        self.title = title
        self.blocks: List[tuple] = []

    def h(self, level: int, text: str, anchor: Optional[str] = None):
        self.blocks.append(("h", level, text, anchor))

    def p(self, text: str, cls: str = ""):
        self.blocks.append(("p", text, cls))

    def items(self, items: Sequence[str], cls: str = ""):
        self.blocks.append(("list", list(items), cls))

    def pre(self, text: str):
        self.blocks.append(("pre", text))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence], numeric_from: int = 1,
              collapsed: Optional[str] = None):
        """Cells are strings, or lists of strings shown on separate lines."""
        self.blocks.append(("table", list(headers), [list(r) for r in rows], numeric_from, collapsed))

    def figure(self, fig):
        self.blocks.append(("figure", fig))


def _md_cell(c) -> str:
    if isinstance(c, (list, tuple)):
        return "<br>".join(_md_cell(x) for x in c if x)
    return str(c).replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: Doc) -> str:
    out = [f"# {doc.title}", ""]
    for b in doc.blocks:
        kind = b[0]
        if kind == "h":
            out += ["#" * (b[1] + 1) + " " + b[2], ""]
        elif kind == "p":
            out += [b[1], ""]
        elif kind == "list":
            out += [f"- {x}" for x in b[1]] + [""]
        elif kind == "pre":
            out += ["```", b[1], "```", ""]
        elif kind == "table":
            headers, rows = b[1], b[2]
            if not rows:
                out += ["(none)", ""]
                continue
            if b[4]:
                out += [f"*{b[4]}*", ""]
            out.append("| " + " | ".join(_md_cell(h) for h in headers) + " |")
            out.append("|" + "|".join("---" if i < b[3] else "---:" for i in range(len(headers))) + "|")
            for r in rows:
                out.append("| " + " | ".join(_md_cell(c) for c in r) + " |")
            out.append("")
        elif kind == "figure":
            f = b[1]
            out += [f"![{f.title}]({f.png.name})", "", f"*{f.title}.* {f.caption} "
                    f"([SVG]({f.svg.name}))", ""]
    return "\n".join(out).rstrip() + "\n"


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2em auto;
max-width:1250px;padding:0 1em;color:#1b1b1b;line-height:1.4}
h1{border-bottom:2px solid #333}h2{border-bottom:1px solid #bbb;margin-top:1.8em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.86em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}th{background:#f0f0f0;text-align:left}
td.n{text-align:right;white-space:nowrap}tr:nth-child(even) td{background:#fafafa}
figure{margin:1em 0 2em}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.9em;color:#444}.warn{background:#fff4d6;border-left:4px solid #e0a800;padding:.4em .8em}
pre{background:#f6f6f6;padding:.6em;white-space:pre-wrap;font-size:.85em}
details>summary{cursor:pointer;font-weight:600;margin:.4em 0}
"""


def _html_cell(c) -> str:
    if isinstance(c, (list, tuple)):
        return "<br>".join(_html_cell(x) for x in c if x)
    return html.escape(str(c))


def to_html(doc: Doc) -> str:
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(doc.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>{e(doc.title)}</h1>"]
    toc = [(b[3], b[2]) for b in doc.blocks if b[0] == "h" and b[1] == 1 and b[3]]
    if toc:
        out.append("<nav><p>" + " · ".join(f'<a href="#{e(a)}">{e(t)}</a>' for a, t in toc) + "</p></nav>")
    for b in doc.blocks:
        kind = b[0]
        if kind == "h":
            anchor = f' id="{e(b[3])}"' if b[3] else ""
            out.append(f"<h{b[1] + 1}{anchor}>{e(b[2])}</h{b[1] + 1}>")
        elif kind == "p":
            cls = f' class="{e(b[2])}"' if b[2] else ""
            out.append(f"<p{cls}>{e(b[1])}</p>")
        elif kind == "list":
            cls = f' class="{e(b[2])}"' if b[2] else ""
            out.append(f"<ul{cls}>" + "".join(f"<li>{e(x)}</li>" for x in b[1]) + "</ul>")
        elif kind == "pre":
            out.append(f"<pre>{e(b[1])}</pre>")
        elif kind == "table":
            headers, rows, numeric_from, collapsed = b[1], b[2], b[3], b[4]
            if not rows:
                out.append("<p>(none)</p>")
                continue
            t = ["<table>", "<thead><tr>" + "".join(f"<th>{e(str(h))}</th>" for h in headers)
                 + "</tr></thead>", "<tbody>"]
            for r in rows:
                t.append("<tr>" + "".join(
                    f'<td{" class=n" if i >= numeric_from else ""}>{_html_cell(c)}</td>'
                    for i, c in enumerate(r)) + "</tr>")
            t.append("</tbody></table>")
            if collapsed:
                out.append(f"<details><summary>{e(collapsed)}</summary>" + "".join(t) + "</details>")
            else:
                out.extend(t)
        elif kind == "figure":
            f = b[1]
            data = base64.b64encode(f.png.read_bytes()).decode("ascii")
            out.append(f'<figure id="fig-{e(f.name)}"><img alt="{e(f.title)}" '
                       f'src="data:image/png;base64,{data}">'
                       f"<figcaption><b>{e(f.title)}.</b> {e(f.caption)} (Also as {e(f.png.name)} and "
                       f"{e(f.svg.name)} next to this page.)</figcaption></figure>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"

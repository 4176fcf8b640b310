"""HTML rendering: a catalogue Entry and its source blocks -> corpus/pages/<id>.html.

Web-page samples must look like a CMS export (site chrome, cookie banner, article, footer) so that the
HTML extractor meets realistic pages; this module holds that page template and the block -> HTML mapping.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from corpus.catalogue import Entry
from corpus.notice import notice_text
from corpus.source import Block, Box, Heading, ListItem, Paragraph, Table

SITE_NAME = "Co-operative Councils' Innovation Network — sample site"

_PAGE_CSS = """\
body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#222;line-height:1.5}
header{background:#0b5f63;color:#fff;padding:12px 24px}header a{color:#fff;margin-right:18px}
.site-name{font-weight:bold;font-size:18px}.cookie{background:#f3f3f3;padding:10px 24px;font-size:14px}
main{max-width:780px;margin:24px auto;padding:0 24px}.meta{color:#666}
table{border-collapse:collapse}th,td{border:1px solid #999;padding:4px 8px;text-align:left}
aside.panel{background:#eef6f6;border:1px solid #0b5f63;padding:8px 16px;margin:16px 0}
footer{background:#333;color:#ddd;padding:16px 24px;font-size:13px}"""

_NAV = (
    ("Home", "/"),
    ("About us", "/about/"),
    ("Policy labs", "/policy-labs/"),
    ("Publications", "/publications/"),
    ("Contact", "/contact/"),
)


def _html_blocks(blocks: Sequence[Block], depth: int = 0) -> list[str]:
    """Convert blocks to HTML; source headings shift down one level because <h1> is the page title."""
    esc = html.escape
    out: list[str] = []
    n = 0
    while n < len(blocks):
        block = blocks[n]
        if isinstance(block, Heading):
            level = min(block.level + 1, 6)
            out.append(f"<h{level}>{esc(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, ListItem):
            numbered = block.number is not None
            items: list[ListItem] = []
            while n < len(blocks):
                candidate = blocks[n]
                if not isinstance(candidate, ListItem) or (candidate.number is not None) != numbered:
                    break
                items.append(candidate)
                n += 1
            n -= 1
            tag = "ol" if numbered else "ul"
            start = f' start="{items[0].number}"' if numbered and items[0].number != 1 else ""
            out.append(f"<{tag}{start}>")
            out += [f"  <li>{esc(item.text)}</li>" for item in items]
            out.append(f"</{tag}>")
        elif isinstance(block, Table):
            out.append("<table>")
            head = "".join(f"<th>{esc(c)}</th>" for c in block.header)
            out.append(f"  <thead><tr>{head}</tr></thead>")
            out.append("  <tbody>")
            out += ["    <tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in block.rows]
            out.append("  </tbody>")
            out.append("</table>")
        elif isinstance(block, Box):
            out.append('<aside class="panel">')
            out.append(f'  <p class="panel-title"><strong>{esc(block.title)}</strong></p>')
            out += ["  " + line for line in _html_blocks(block.blocks, depth + 1)]
            out.append("</aside>")
        n += 1
    return out


def _description(entry: Entry, blocks: Sequence[Block]) -> str:
    first = next((b.text for b in blocks if isinstance(b, Paragraph)), entry.title)
    if len(first) <= 155:
        return first
    return first[:155].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def render_html(entry: Entry, blocks: Sequence[Block]) -> str:
    """A page that looks like a CMS export: site chrome, cookie banner, article, footer with the notice."""
    esc = html.escape
    nav = "\n".join(f'      <li><a href="{href}">{esc(label)}</a></li>' for label, href in _NAV)
    body = "\n".join("      " + line for line in _html_blocks(blocks))
    first, second = notice_text(entry)
    return f"""<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{esc(entry.title)} | {esc(SITE_NAME)}</title>
  <meta name="description" content="{esc(_description(entry, blocks))}">
  <meta name="ccin-sample" content="illustrative sample, not a CCIN publication">
  <style>
{_PAGE_CSS}
  </style>
</head>
<body>
  <header>
    <div class="site-name">{esc(SITE_NAME)}</div>
    <nav aria-label="Main menu">
      <ul>
{nav}
      </ul>
    </nav>
  </header>
  <div class="cookie">This sample site uses only the cookies it needs to work.
    <button type="button">Accept</button> <button type="button">Settings</button></div>
  <main>
    <article>
      <h1>{esc(entry.title)}</h1>
      <p class="meta">{entry.year} · Lead council: {esc(entry.lead_council)} · Status: Active policy lab</p>
{body}
      <aside class="sample-notice">
        <p>{esc(first)}</p>
        <p>{esc(second)}</p>
      </aside>
    </article>
  </main>
  <footer>
    <p>Illustrative sample written for the CCIN Knowledge Base project – not a CCIN publication.</p>
    <p>© {entry.year} CCIN Knowledge Base project sample site. Text written for the sample corpus.</p>
    <p>Sample address: 1 Example Street, Sampletown, SA1 2MP · Accessibility · Privacy notice · Sitemap</p>
  </footer>
</body>
</html>
"""

"""The build's two pieces of markup for figures from pricing.json: a link to a source, and a table.

Every shortcode that names a source or draws a table goes through these, so a source reads the same
everywhere and every table is the same plain table that Material wraps for scrolling.
"""

from __future__ import annotations

import re
from html import escape


def source_link(pricing, source_id: str, short: bool = False) -> str:
    """A source by its title, linked to its URL when it has one.

    ``short`` cuts the title at its first ';' or ' (' and keeps the whole title as the tooltip, for a
    table cell.

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> source_link(pricing, "llmc-run-scripts").startswith('<a href="https://github.com/karpathy/')
    True
    >>> source_link(pricing, "note-nanogpt", short=True)  # a note has no URL
    '<span title="Running nanoGPT on AWS (c5.2xlarge preprocessing, EBS, p4d.24xlarge training)">Running nanoGPT on AWS</span>'
    """
    source = pricing.sources[source_id]
    full = source["title"]
    title = escape(full)
    if short:
        cut = re.split(r";| \(", full, maxsplit=1)[0].strip()
        title = f'<span title="{escape(full)}">{escape(cut)}</span>' if cut != full else title
    return f'<a href="{escape(source["url"])}">{title}</a>' if "url" in source else title


def table_html(headers: tuple[str, ...], rows: list[tuple[str, ...]], caption: str = "",
               row_ids: list[str] | None = None) -> str:
    """A plain HTML table of already-escaped cells, with an optional caption and an id for each row.

    Material wraps every plain table in its scrolling wrapper itself; a wrapper of our own around that
    one (an inline block as wide as the table) would make a phone's page scroll sideways.

    >>> table_html(("a", "b"), [("1", "2")], "Two", ["first"])
    '<table><caption>Two</caption><thead><tr><th scope="col">a</th><th scope="col">b</th></tr></thead><tbody><tr id="first"><td>1</td><td>2</td></tr></tbody></table>'
    """
    ids = row_ids or [""] * len(rows)
    head = "".join(f'<th scope="col">{header}</th>' for header in headers)
    body = "".join(
        (f'<tr id="{escape(row_id)}">' if row_id else "<tr>") + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
        for row, row_id in zip(rows, ids)
    )
    caption_html = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{caption_html}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

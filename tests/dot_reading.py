"""Reading the DOT text that autograd_core's drawings write back into nodes and edges.

Shared by the drawing tests; deliberately independent of autograd_core's own DOT writer, so a
test checks the text that a user would hand to Graphviz.
"""

from __future__ import annotations

import re

_STMT = re.compile(r'^\s*(v\d+|f\d+|m\d+|hidden) \[(.*)\]\s*$')
_EDGE = re.compile(r'^\s*(\S+) -> (\S+)(?: \[(.*)\])?\s*$')


def label_of(attrs: str) -> str:
    """The (still escaped) text of the label="..." attribute in `attrs`."""
    m = re.search(r'label="((?:[^"\\]|\\.)*)"', attrs)
    return m.group(1) if m else ""


def parse(dot: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]]]:
    """{id: (label, attrs)} for node statements and [(src, dst, attrs)] for edges."""
    nodes, edges = {}, []
    for line in dot.splitlines():
        m = _EDGE.match(line)
        if m:
            edges.append((m.group(1), m.group(2), m.group(3) or ""))
            continue
        m = _STMT.match(line)
        if m:
            nodes[m.group(1)] = (label_of(m.group(2)), m.group(2))
    return nodes, edges


def fields(label: str) -> list[str]:
    """The fields of a record label, without braces."""
    body = label.strip()
    if body.startswith("{"):
        body = body[1:-1]
    return [f.strip() for f in re.split(r"(?<!\\)\|", body)]


def record_named(nodes: dict[str, tuple[str, str]], name: str) -> tuple[str, list[str]]:
    """(node id, fields) of the value record whose label field is `name`."""
    hits = [(k, fields(lab)) for k, (lab, _) in nodes.items()
            if k.startswith("v") and name in fields(lab)]
    assert len(hits) == 1, f"expected one record labelled {name!r}, got {hits}"
    return hits[0]

"""Reading a tree-sitter parse tree: iterative walks (hostile nesting must not recurse), a
node's text and its line as pasted."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node


def walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def text_of(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def head(node: Node, limit: int = 200) -> str:
    """The start of a node's text: enough for a declaration's name and value."""
    return (node.text or b"")[:limit].decode("utf-8", errors="replace")


def line_of(node: Node) -> int:
    return node.start_point.row + 1

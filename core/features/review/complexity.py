"""Cyclomatic complexity and nesting depth from Python's syntax tree (the code is not run)."""

from __future__ import annotations

import ast

_BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.IfExp, ast.ExceptHandler, ast.Assert)
_NESTING = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def cyclomatic(function: FunctionNode) -> int:
    """McCabe's count: 1 plus one per decision point inside the function, not nested ones."""
    count = 1
    stack: list[ast.AST] = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, FunctionNode | ast.ClassDef | ast.Lambda):
            continue  # nested definitions are counted on their own
        if isinstance(node, _BRANCHES):
            count += 1
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
        elif isinstance(node, ast.match_case):
            count += 1
        stack.extend(ast.iter_child_nodes(node))
    return count


def deepest_nesting(function: FunctionNode) -> tuple[int, int]:
    """The deepest block nesting inside a function, and the line where it is reached."""
    best = (0, function.lineno)
    stack: list[tuple[ast.AST, int]] = [(child, 0) for child in ast.iter_child_nodes(function)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, FunctionNode | ast.ClassDef):
            continue
        if isinstance(node, _NESTING):
            depth += 1
            if depth > best[0]:
                best = (depth, getattr(node, "lineno", function.lineno))
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return best


def functions(tree: ast.AST) -> list[FunctionNode]:
    return [node for node in ast.walk(tree) if isinstance(node, FunctionNode)]

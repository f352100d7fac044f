"""What an interviewer would stop at in a tree-sitter parse: security patterns (SQL built
from strings, eval and shell commands built from input, unsafe C string functions, hard-coded
secrets) and classic bugs (off-by-one loops, Java string ==, a C local array returned, a Go
error dropped, shell habits)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from core.features.review.findings import Finding
from core.features.review.tree_nodes import head, line_of, text_of, walk

_SQL = re.compile(
    r"\b(select\b[\s\S]*\bfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)\b", re.I
)
_SECRET = re.compile(
    r"""\b\w*(password|passwd|secret|api_?key|token)\w*["']?\s*[:=]\s*["'][^"'\s]{6,}["']""",
    re.I,
)
_RUNS_CODE = {"eval", "Function", "execSync", "exec", "system", "popen", "execl", "execlp"}
_UNSAFE_C = {"gets": True, "strcpy": False, "strcat": False, "sprintf": False}
_SHELL_COMMAND = re.compile(
    r"""(Command::new|exec\.Command|ProcessBuilder|subprocess\.\w+)\(\s*["'](ba|z)?sh["']"""
)
_CALLS = {"call_expression", "method_invocation", "invocation_expression", "call", "command"}
_DECLARATIONS = {
    "variable_declarator",
    "assignment_expression",
    "short_var_declaration",
    "let_declaration",
    "variable_assignment",
    "assignment",
    "const_spec",
    "var_spec",
    "init_declarator",
    "field_declaration",
    "public_field_definition",
    "property_declaration",
    "const_item",
    "static_item",
    "local_variable_declaration",
}


def call_name(node: Node) -> str:
    target = (
        node.child_by_field_name("function")
        or node.child_by_field_name("name")
        or node.child_by_field_name("method")
        or (node.named_children[0] if node.named_children else None)
    )
    # In a chain (a.b().c) only the last name matters: step down instead of reading it all.
    while target is not None and target.named_child_count:
        last = (
            target.child_by_field_name("property")
            or target.child_by_field_name("field")
            or target.child_by_field_name("name")
        )
        if last is None:
            break
        target = last
    return re.split(r"[.:>]", text_of(target))[-1].strip()


def _arguments(node: Node) -> list[Node]:
    holder = node.child_by_field_name("arguments")
    if node.type == "command":
        return node.children_by_field_name("argument")
    return list(holder.named_children) if holder is not None else []


def _literal(node: Node) -> bool:
    """A string or number written out in full, with nothing substituted into it."""
    if not any(word in node.type for word in ("string", "literal", "number", "raw_string")):
        return False
    return not any(
        "substitution" in child.type or "expansion" in child.type or "interpolation" in child.type
        for child in walk(node)
    )


def _security_error(line: int, message: str, hint: str) -> Finding:
    return Finding(line, "error", f"Security: {message}", hint, rank=9)


_WATCHED = {*_RUNS_CODE, *_UNSAFE_C, "printf"}


def _dangerous_call(node: Node, language: str, shell_command: bool) -> Finding | None:
    """A call that runs code or a command built from input; `shell_command`: whether the
    code starts a shell anywhere (searched once, not once per call)."""
    name = call_name(node)
    if name not in _WATCHED and not shell_command:
        return None  # most calls: decided without reading their (possibly huge) text
    arguments = _arguments(node)
    built = bool(arguments) and not all(_literal(argument) for argument in arguments)
    if language in ("c", "cpp") and name in _UNSAFE_C:
        if _UNSAFE_C[name]:
            return _security_error(
                line_of(node),
                f"{name}() cannot limit its input: a buffer overflow",
                "Use fgets(buffer, sizeof buffer, stdin), which stops at the buffer's size.",
            )
        return Finding(
            line_of(node),
            "error",
            f"Security: {name}() does not check the buffer's size",
            "Use snprintf or strncpy/strlcpy with the destination's size.",
            rank=8,
        )
    if name == "printf" and language in ("c", "cpp") and arguments and not _literal(arguments[0]):
        return _security_error(
            line_of(node),
            "printf() with a format string that is not a literal",
            'Print data through a fixed format: printf("%s", text).',
        )
    if language == "shell" and name == "eval" and built:
        return _security_error(
            line_of(node),
            "eval runs text built from variables as shell code",
            "Call the command directly, or choose among fixed commands with case.",
        )
    if name in _RUNS_CODE and built and language != "shell":
        return _security_error(
            line_of(node),
            f"{name}() runs code or a command built from input",
            "Never run text you received: pass arguments as a list to a fixed program, or "
            "parse the input explicitly.",
        )
    text = text_of(node) if shell_command else ""
    if _SHELL_COMMAND.search(text) and '"-c"' in text and re.search(r"format!|Sprintf|\+", text):
        return _security_error(
            line_of(node),
            "a shell command built from input (sh -c)",
            "Run the program directly with its arguments, without a shell.",
        )
    return None


def _sql_built(node: Node) -> bool:
    """A string holding SQL that is concatenated, interpolated or formatted with values."""
    if "string" not in node.type or not _SQL.search(text_of(node)):
        return False
    if not _literal(node):
        return True  # template or interpolated string with substitutions
    parent = node.parent
    if parent is not None and parent.type in ("binary_expression", "concatenation"):
        return True
    call = parent.parent if parent is not None else None
    return (
        call is not None
        and call.type in _CALLS
        and bool(re.search(r"printf|format", call_name(call), re.I))
    )


def findings_of(root: Node, language: str, code: str) -> list[Finding]:
    found: list[Finding] = []
    seen_sql: set[int] = set()
    shell_command = _SHELL_COMMAND.search(code) is not None
    for node in walk(root):
        if node.type in _CALLS:
            finding = _dangerous_call(node, language, shell_command)
            if finding is not None:
                found.append(finding)
        elif _sql_built(node) and line_of(node) not in seen_sql:
            seen_sql.add(line_of(node))
            found.append(
                _security_error(
                    line_of(node),
                    "SQL built from strings: an injection hole",
                    "Pass values as query parameters (placeholders such as ? or $1), never "
                    "by joining them into the SQL text.",
                )
            )
        elif node.type in _DECLARATIONS and _SECRET.search(head(node)):
            found.append(
                _security_error(
                    line_of(node),
                    "a hard-coded secret",
                    "Read secrets from the environment or a secret store, never from the source.",
                )
            )
        elif language in ("javascript", "typescript", "tsx") and node.type in (
            "assignment_expression",
            "augmented_assignment_expression",
        ):
            left = text_of(node.child_by_field_name("left"))
            right = node.child_by_field_name("right")
            if (
                left.endswith(("innerHTML", "outerHTML"))
                and right is not None
                and not _literal(right)
            ):
                found.append(
                    _security_error(
                        line_of(node),
                        f"{left.rpartition('.')[2]} set from data: cross-site scripting",
                        "Set textContent, or build elements, instead of HTML.",
                    )
                )
    if language == "shell":
        found.extend(_shell_habits(root))
    found.extend(_off_by_one(root))
    found.extend(_classic_bugs(root, language))
    # A call nested in another (a chain) is met more than once: one finding a line and message.
    return list({(finding.line, finding.message): finding for finding in found}.values())


def _off_by_one(root: Node) -> list[Finding]:
    """`i <= xs.length` in a loop condition reads one element past the end."""
    found = []
    for node in walk(root):
        if node.type != "for_statement":
            continue
        condition = node.child_by_field_name("condition")
        text = " ".join(text_of(condition).split())
        if re.search(r"<=\s*[\w.]+\s*\.\s*(length|size\(\))(?!\s*-)", text):
            found.append(
                Finding(
                    line_of(node),
                    "error",
                    f"Off by one: `{text}` reads one item past the end",
                    "Loop while the index is < the length, not <=.",
                    rank=7,
                )
            )
    return found


def _functions(root: Node) -> Iterator[Node]:
    kinds = ("function_definition", "method_declaration", "function_declaration")
    return (node for node in walk(root) if node.type in kinds)


def _java_string_equality(function: Node) -> list[Finding]:
    """`a == b` on Strings compares references, not text: a classic interview catch."""
    strings = {
        text_of(node.child_by_field_name("name"))
        for node in walk(function)
        if node.type == "formal_parameter" and text_of(node.child_by_field_name("type")) == "String"
    }
    for node in walk(function):
        if (
            node.type == "local_variable_declaration"
            and text_of(node.child_by_field_name("type")) == "String"
        ):
            strings.update(
                text_of(child.child_by_field_name("name"))
                for child in node.named_children
                if child.type == "variable_declarator"
            )
    found = []
    for node in walk(function):
        if node.type != "binary_expression":
            continue
        operator = text_of(node.child_by_field_name("operator"))
        sides = [node.child_by_field_name("left"), node.child_by_field_name("right")]
        if operator in ("==", "!=") and all(
            side is not None and (side.type == "string_literal" or text_of(side) in strings)
            for side in sides
        ):
            found.append(
                Finding(
                    line_of(node),
                    "error",
                    f"Strings compared with {operator}: that compares references, not text",
                    "Compare strings with a.equals(b) "
                    "(or Objects.equals(a, b) when either may be null).",
                    rank=7,
                )
            )
    return found


def _c_local_array_returned(function: Node) -> list[Finding]:
    arrays = {
        text_of(node.child_by_field_name("declarator"))
        for node in walk(function)
        if node.type == "array_declarator"
        and node.parent is not None
        and node.parent.type == "declaration"
        and not text_of(node.parent).lstrip().startswith("static")
    }
    return [
        Finding(
            line_of(node),
            "error",
            f"Returns the local array {text_of(node.named_children[0])}: "
            "it no longer exists once the function returns",
            "Allocate the result (malloc) or let the caller pass the buffer in.",
            rank=8,
        )
        for node in walk(function)
        if node.type == "return_statement"
        and node.named_children
        and text_of(node.named_children[0]) in arrays
    ]


def _go_discarded_error(root: Node) -> list[Finding]:
    found = []
    for node in walk(root):
        if node.type not in ("short_var_declaration", "assignment_statement"):
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        names = [text_of(child) for child in left.named_children] if left is not None else []
        calls = right is not None and any(c.type == "call_expression" for c in right.named_children)
        if len(names) > 1 and names[-1] == "_" and calls:
            found.append(
                Finding(
                    line_of(node),
                    "warning",
                    "The call's last result (by convention its error) is thrown away with _",
                    "Check the error: if err != nil { return err }.",
                    rank=5,
                )
            )
    return found


def _classic_bugs(root: Node, language: str) -> list[Finding]:
    """Bugs an interviewer looks for first, where the parse tree makes them certain."""
    if language == "go":
        return _go_discarded_error(root)
    found: list[Finding] = []
    for function in _functions(root):
        if language == "java":
            found.extend(_java_string_equality(function))
        elif language in ("c", "cpp"):
            found.extend(_c_local_array_returned(function))
    return found


def _shell_habits(root: Node) -> list[Finding]:
    found = []
    for node in walk(root):
        if node.type == "pipeline":
            names = [call_name(child) for child in node.named_children if child.type == "command"]
            if len(names) > 1 and names[0] in ("curl", "wget") and names[-1] in ("sh", "bash"):
                found.append(
                    _security_error(
                        line_of(node),
                        "a script downloaded and run unseen (curl | sh)",
                        "Download the script, check its checksum or signature, then run it.",
                    )
                )
        elif (
            node.type == "command"
            and call_name(node) == "rm"
            and any(
                child.type in ("concatenation", "simple_expansion") for child in _arguments(node)
            )
        ):
            found.append(
                Finding(
                    line_of(node),
                    "warning",
                    "rm with an unquoted variable: an empty or "
                    "spaced value deletes the wrong files",
                    'Quote the variable ("$dir") and check it is not empty (${dir:?}).',
                    rank=7,
                )
            )
    return found

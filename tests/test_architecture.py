"""The house rules that import-linter and ruff do not check themselves."""

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "eventsite"


def _function_imports(tree: ast.AST):
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in function.body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    yield node


def test_imports_inside_functions_say_why():
    """An import belongs at the top of its module; one inside a function (to keep a
    package's __init__ light, say) carries a comment just above its block saying why."""
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in _function_imports(ast.parse("\n".join(lines))):
            above = node.lineno - 2
            # Walk up over the other imports of the same block to its first line.
            while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
                above -= 1
            explained = "#" in lines[node.lineno - 1] or (above >= 0 and lines[above].strip().startswith("#"))
            if not explained:
                unexplained.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert unexplained == []


def test_no_view_commits_or_rolls_back_itself():
    """The transaction boundary is eventsite.web (`writes`, `refuse`, `unit_of_work`)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*views.py")):
        text = path.read_text(encoding="utf-8")
        if "session.commit()" in text or "session.rollback()" in text:
            offenders.append(str(path.relative_to(PACKAGE.parent)))
    assert offenders == []

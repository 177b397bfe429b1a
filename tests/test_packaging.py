"""Set-up files agree with each other: environment.yml mirrors pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ]", spec, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(s): s.replace(" ", "") for s in project["dependencies"]}
    wanted |= {_name(s): s.replace(" ", "") for s in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    have = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for s in dep.get("pip", []):
                if not s.startswith("-e"):
                    have[_name(s)] = s.replace(" ", "")
        elif _name(dep) not in ("python", "pip"):
            have[_name(dep)] = dep.replace(" ", "")
    assert have == wanted


def test_python_version_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_instrument_and_templates_are_package_data():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    data = cfg["package-data"]["govsurvey"]
    assert "instruments/*.yaml" in data and "templates/report/*" in data


# --- architecture: the package's modules depend on each other in one direction -------------
PKG = ROOT / "govsurvey"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _top_level_imports(path: Path, everywhere: bool = False) -> list[tuple[str, list[str]]]:
    """(imported module, names) of a file's imports, resolved to absolute.

    Module-level imports only, unless ``everywhere`` (imports inside functions too).
    """
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out = []
    nodes = ast.walk(tree) if everywhere else tree.body
    for node in nodes:  # module level only, unless everywhere: lazy imports break no cycle
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, [a.name for a in node.names]))
    return out


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


def test_no_module_imports_another_modules_private_name():
    bad = []
    mods = _modules()
    for name, path in mods.items():
        for mod, names in _top_level_imports(path, everywhere=True):
            if not mod.startswith("govsurvey") or mod == name:
                continue
            for n in names:
                if n.startswith("_") and not n.startswith("__") and f"{mod}.{n}" not in mods:
                    bad.append(f"{name} imports {mod}.{n}")
    assert not bad, "private names imported across modules:\n" + "\n".join(bad)


def test_no_import_cycle_among_the_package_modules():
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for mod, names in _top_level_imports(path):
            targets = [f"{mod}.{n}" for n in names if f"{mod}.{n}" in mods]
            if mod in mods:
                targets.append(mod)
            for t in targets:
                if t != name and not name.startswith(t + "."):  # a package's own __init__
                    graph[name].add(t)
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(m: str, stack: list[str]) -> bool:
        state[m] = 1
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                cycle.extend(stack[stack.index(t) :] + [t] if t in stack else [m, t])
                return True
            if not state.get(t) and visit(t, stack + [t]):
                return True
        state[m] = 2
        return False

    for m in sorted(graph):
        if not state.get(m) and visit(m, [m]):
            break
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_import_is_light():
    """`import govsurvey` (and the CLI's start) loads no plotting or notebook machinery."""
    import subprocess
    import sys

    code = (
        "import sys, govsurvey, govsurvey.cli; "
        "heavy = [m for m in ('matplotlib', 'papermill', 'nbconvert', 'seaborn', 'scipy') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_public_name_resolves():
    import govsurvey as gs

    missing = [n for n in gs.__all__ if n != "__version__" and not hasattr(gs, n)]
    assert not missing, f"gs.{missing} do not resolve"

"""The package's layers point one way and no module reaches into another's private names (the house rules)."""
import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "lossplateau"
# Each module may import only from modules on lower floors (or its own floor's earlier modules, listed in order).
ORDER = ["core", "data", "foldoc", "losses", "model", "callbacks", "train", "runs", "diagnostics", "book", "cli"]


def imports(module:str):
    "(imported module, imported names) for every import of a lossplateau module in `module`, at any depth."
    tree = ast.parse((PKG / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            name = node.module.removeprefix("lossplateau.") if node.module.startswith("lossplateau.") else \
                   node.module if node.level == 1 else None
            if name in ORDER: yield name, [a.name for a in node.names]


def test_every_module_is_placed():
    assert sorted(ORDER) == sorted(p.stem for p in PKG.glob("*.py") if not p.stem.startswith("_"))


def test_imports_point_down_and_never_at_private_names():
    for m in ORDER:
        for dep, names in imports(m):
            assert ORDER.index(dep) < ORDER.index(m), f"{m} imports {dep}, which is not below it"
            assert not [n for n in names if n.startswith("_")], f"{m} imports private names {names} from {dep}"


def test_the_command_line_checks_input_before_tensorflow_starts():
    "Bad input fails in one line: importing the CLI, the book and the runs must not start Keras (TensorFlow prints)."
    import subprocess, sys
    code = ("import sys, lossplateau.cli, lossplateau.book, lossplateau.runs, lossplateau.data; "
            "print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out

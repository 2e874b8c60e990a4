"""The layout shows the pipeline, and the code keeps to it (read with `ast`, nothing imported).

- Data flows one way: a module imports only from its own stage or an earlier one, in the order
  of `STAGES` (ARCHITECTURE.md draws it). Imports inside functions and under TYPE_CHECKING
  count: they are dependencies all the same.
- No module imports another module's private names (`from x import _y`, or `x._y` on an
  imported module): what a module shares, it names without an underscore.
- No module is over MAX_LINES lines unless its docstring says why ("over 500 lines because ...")
  or it is one of the `LONG_MODULES` below, each with its reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
MAX_LINES = 500

# The pipeline's stages in data-flow order; a module may import from its own stage and the
# ones before it. Each entry: the stage's name and the modules (and packages) it holds.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    (
        "shared base",
        (
            "newsweave",  # the package's own __init__ only
            "newsweave.errors",
            "newsweave.model",
            "newsweave.settings",
            "newsweave.store",
            "newsweave.outward",
            "newsweave.saved_state",
            "newsweave.onnx",
            "newsweave.engine",
            "newsweave.rulebook",
        ),
    ),
    ("ingest", ("newsweave.ingest",)),
    ("stories", ("newsweave.stories",)),
    ("analysis", ("newsweave.analysis",)),
    ("briefs", ("newsweave.briefs",)),
    (
        "evaluation and outlets",
        (
            "newsweave.evaluate",
            "newsweave.web",
            "newsweave.pipeline",
            "newsweave.following",
            "newsweave.backfill",
            "newsweave.watch",
            "newsweave.cli",
            "newsweave.__main__",
        ),
    ),
]

# Modules over MAX_LINES as they stand, each with why. A module back under the limit fails
# `test_each_listed_long_module_is_still_long`, so the list only shrinks.
LONG_MODULES = {
    "newsweave.analysis.disagreements": (
        "every kind of value in one file; being rewritten in main, so left alone here"
    ),
    "newsweave.analysis.dates": "being rewritten in main, so left alone here",
    "newsweave.analysis.quotes": (
        "the attribution rules over one parse (direct, indirect, according to) share the cue, "
        "source and context helpers; people went to analysis/people.py"
    ),
    "newsweave.stories.cluster": (
        "one algorithm: OnlineClusterer (440 lines), whose linking and grouping steps share its "
        "indexes and counts"
    ),
    "newsweave.store.sqlite": "one class, SQLiteStore, implementing the whole Store protocol",
    "newsweave.store.postgres": "one class, PostgresStore, implementing the whole Store protocol",
    "newsweave.ingest.web": "fetching and extracting one page; a screenful over",
    "newsweave.cli": "thirteen commands, each one library call plus its output",
}


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module
    lines: int

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def read_modules(src: Path, package: str = "newsweave") -> dict[str, Module]:
    found = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        text = path.read_text(encoding="utf-8")
        found[name] = Module(name, path, ast.parse(text, str(path)), len(text.splitlines()))
    return found


MODULES = read_modules(SRC)


def stage_of(module: str, stages=STAGES) -> int | None:
    """The index of the stage holding `module`: the longest entry that is it or a package
    holding it (the bare package name holds only its own __init__)."""
    best: tuple[int, int] | None = None
    for index, (_, members) in enumerate(stages):
        for member in members:
            holds = module == member or ("." in member and module.startswith(member + "."))
            if holds and (best is None or len(member) > best[1]):
                best = (index, len(member))
    return best[0] if best else None


def imports(module: Module, modules: dict[str, Module]) -> list[tuple[int, str, str | None]]:
    """(line, imported module, imported name or None) of every import of the project's own
    modules, anywhere in `module`; a `from a import b` where a.b is a module imports a.b."""
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    root = module.name.split(".")[0]
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in modules:
                    found.append((node.lineno, target, None))
                else:
                    found.append((node.lineno, base, alias.name))
    return [item for item in found if item[1].split(".")[0] == root]


def upward_imports(modules: dict[str, Module], stages=STAGES) -> list[str]:
    upward = []
    for module in modules.values():
        own = stage_of(module.name, stages)
        for line, imported, _ in imports(module, modules):
            other = stage_of(imported, stages)
            if own is not None and other is not None and other > own:
                upward.append(
                    f"{module.path.name}:{line}: {module.name} ({stages[own][0]}) "
                    f"imports {imported} ({stages[other][0]})"
                )
    return upward


def private_imports(modules: dict[str, Module]) -> list[str]:
    private = []
    for module in modules.values():
        where = f"{module.name} ({module.path.name})"
        for line, imported, name in imports(module, modules):
            if name is not None and is_private(name) and imported != module.name:
                private.append(f"{where}:{line}: from {imported} import {name}")
        aliases = {}  # local name -> one of the project's modules, for `module._name`
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                aliases.update({alias.asname: alias.name for alias in node.names if alias.asname})
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in modules:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and aliases.get(node.value.id) in modules
                and aliases[node.value.id] != module.name
                and is_private(node.attr)
            ):
                private.append(f"{where}:{node.lineno}: {aliases[node.value.id]}.{node.attr}")
    return private


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def long_modules(modules: dict[str, Module], listed=LONG_MODULES) -> list[str]:
    return [
        f"{module.name}: {module.lines} lines"
        for module in modules.values()
        if module.lines > MAX_LINES
        and module.name not in listed
        and f"over {MAX_LINES} lines" not in (ast.get_docstring(module.tree) or "").lower()
    ]


def test_every_module_belongs_to_a_stage():
    unplaced = [name for name in MODULES if stage_of(name) is None]
    assert not unplaced, f"add these to a stage in STAGES (and ARCHITECTURE.md): {unplaced}"


def test_no_module_imports_from_a_later_stage():
    upward = upward_imports(MODULES)
    assert not upward, "data flows one way; move the shared part down:\n" + "\n".join(upward)


def test_no_module_imports_another_modules_private_names():
    private = private_imports(MODULES)
    assert not private, "name them publicly where they live:\n" + "\n".join(private)


def test_no_module_is_over_500_lines_without_saying_why():
    long = long_modules(MODULES)
    assert not long, "split them by meaning, or say why in the docstring:\n" + "\n".join(long)


@pytest.mark.parametrize("name", sorted(LONG_MODULES))
def test_each_listed_long_module_is_still_long(name):
    assert MODULES[name].lines > MAX_LINES, f"{name} is short again: take it off LONG_MODULES"


# -- the checks themselves, on a package written for them ---------------------------------


def write_package(root: Path, files: dict[str, str]) -> dict[str, Module]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return read_modules(root, "pkg")


TOY_STAGES = [("base", ("pkg", "pkg.model")), ("early", ("pkg.early",)), ("late", ("pkg.late",))]


def test_the_checks_find_upward_and_private_imports_however_they_are_written(tmp_path):
    modules = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/model.py": "def _secret(): ...\ndef shared(): ...\n",
            "pkg/early/__init__.py": "",
            "pkg/early/a.py": (
                "from pkg.model import shared\n"
                "def f():\n"
                "    from pkg.late import b\n"  # upward, inside a function
                "    return b\n"
            ),
            "pkg/early/c.py": "from ..late.b import g\n",  # upward, relative
            "pkg/late/__init__.py": "",
            "pkg/late/b.py": (
                "from pkg.model import _secret\n"  # private
                "import pkg.model as m\n"
                "from pkg import model\n"
                "m._secret(); model._secret(); model.shared()\n"  # private twice
                "def g(): ...\n"
            ),
        },
    )
    upward = upward_imports(modules, TOY_STAGES)
    assert len(upward) == 2
    assert any("pkg.early.a" in line and "pkg.late.b" in line for line in upward)
    assert any("pkg.early.c" in line and "pkg.late.b" in line for line in upward)
    private = private_imports(modules)
    assert len(private) == 3, private
    assert all("pkg.late.b" in line and "_secret" in line for line in private)


def test_the_size_check_counts_lines_and_reads_the_docstring(tmp_path):
    body = "x = 1\n" * MAX_LINES
    modules = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/long.py": '"""Long."""\n' + body,
            "pkg/said.py": '"""Over 500 lines because it is a table."""\n' + body,
            "pkg/listed.py": '"""Long."""\n' + body,
            "pkg/short.py": body,
        },
    )
    assert long_modules(modules, listed={"pkg.listed": "a reason"}) == ["pkg.long: 501 lines"]


# -- language rules live in rule files -----------------------------------------------------
#
# A word list or a pattern that reads English belongs in a rule file beside its stage (the
# `[[rule]]` schema of newsweave/rulebook.py, with examples tests/test_rules.py runs), not in
# code. What reads as one in code: a literal tuple, list, set or frozenset (or a dict's keys,
# or a string split into words) of at least MIN_WORDS lowercase words, or a string holding an
# alternation of at least MIN_ALTERNATIVES plain words (`said|says|told`). Docstrings are prose.

MIN_WORDS = 4
MIN_ALTERNATIVES = 3
_LOWER_WORD = re.compile(r"[a-z]+(?:['’-][a-z]+)*(?: [a-z]+(?:['’-][a-z]+)*)*")
_ALTERNATION = re.compile(
    rf"(?<![\\\w])[a-z]{{2,}}(?:\|[a-z]{{2,}}){{{MIN_ALTERNATIVES - 1},}}(?!\w)"
)

# The dependency labels of spaCy's English parser: the parse's own vocabulary, not English.
PARSER_LABELS = frozenset(
    [
        "acl",
        "acomp",
        "advcl",
        "advmod",
        "agent",
        "amod",
        "appos",
        "attr",
        "aux",
        "auxpass",
        "case",
        "cc",
        "ccomp",
        "compound",
        "conj",
        "csubj",
        "csubjpass",
        "dative",
        "dep",
        "det",
        "dobj",
        "expl",
        "intj",
        "mark",
        "meta",
        "neg",
        "nmod",
        "npadvmod",
        "nsubj",
        "nsubjpass",
        "nummod",
        "oprd",
        "parataxis",
        "pcomp",
        "pobj",
        "poss",
        "preconj",
        "predet",
        "prep",
        "prt",
        "punct",
        "quantmod",
        "relcl",
        "root",
        "xcomp",
    ]
)

# Word lists in code that are not language rules, by (module, where: the name assigned at
# module level, or the function), each with why.
NOT_LANGUAGE = {
    (
        "newsweave.model",
        "FLAG_KINDS",
    ): "the kinds of flag an article carries, as the store keeps them",
    ("newsweave.rulebook", "_SHARED"): "the rule schema's own field names",
    ("newsweave.cli", "articles_command"): "the columns `articles` prints (CLI output)",
    ("newsweave.ingest.clean", "ENGLISH_LIKE"): "language codes (BCP 47)",
    ("newsweave.ingest.feeds", "BLOCK_TAGS"): "HTML tag names",
    ("newsweave.ingest.web", "_INVISIBLE"): "HTML tag names",
    ("newsweave.ingest.web", "_LINE_BREAKING"): "HTML tag names",
    ("newsweave.ingest.body", "_NO_WEB_CHARSETS"): "Python codec names",
    ("newsweave.ingest.files", "HEADER_KEYS"): "the header keys an article file may hold",
    ("newsweave.ingest.files", "draft_from_record"): "the JSON fields an article record holds",
    ("newsweave.ingest.guard", "address_kind"): "ipaddress's attribute names",
    ("newsweave.ingest.furniture", "KINDS"): "the kinds of page furniture the rules name",
    ("newsweave.ingest.furniture", "_OPTIONS"): "the furniture rules' own field names",
    ("newsweave.briefs.model", "SECTION_KINDS"): "the brief's section names",
    ("newsweave.briefs.render", "HEADINGS"): "the brief's section names",
    ("newsweave.briefs.llm", "parse_answer"): "the brief's section names, as the prompt asks",
    ("newsweave.briefs.verify", "verify_brief"): "the verification report's field names",
    ("newsweave.ingest.clean", "_LANGUAGE_NAMES"): "language codes, with the names they print as",
    ("newsweave.analysis.stage", "STEPS"): "the analysis steps' names",
    ("newsweave.analysis.disagreements", "KINDS"): "the kinds of value the analysis reads",
    ("newsweave.analysis.dates", "_parse_with_dateparser"): "dateparser's names for periods",
}


@dataclass(frozen=True)
class RuleInCode:
    module: str
    where: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} ({self.where}): {self.what}"


def words_of(node: ast.AST, texts: dict[str, str]) -> list[str] | None:
    """The strings of a literal collection (a dict's keys; a string split into words, written
    there or named by a module-level constant in `texts`), or None."""
    if isinstance(node, ast.Call):
        if node.args or not isinstance(node.func, ast.Attribute) or node.func.attr != "split":
            return None
        split = node.func.value
        text = split.value if isinstance(split, ast.Constant) else None
        if isinstance(split, ast.Name):
            text = texts.get(split.id)
        return text.split() if isinstance(text, str) else None
    if isinstance(node, ast.Dict) and not all(isinstance(v, ast.Constant) for v in node.values):
        return None  # a record being built (JSON, a row), not a table of words
    items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
    if not isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)) or not items:
        return None
    strings = [item.value for item in items if isinstance(item, ast.Constant)]
    return strings if all(isinstance(s, str) for s in strings) else None


def _docstrings(tree: ast.Module) -> set[int]:
    defs = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, defs)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _scopes(tree: ast.Module) -> dict[int, str]:
    """Each node's place: the module-level name it is assigned to, or its function."""
    where: dict[int, str] = {}
    for top in tree.body:
        if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = top.name
        elif isinstance(top, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = top.targets if isinstance(top, ast.Assign) else [top.target]
            name = next((t.id for t in targets if isinstance(t, ast.Name)), "")
        else:
            name = ""
        for node in ast.walk(top):
            where[id(node)] = name
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is not top:
                for inner in ast.walk(node):
                    where[id(inner)] = node.name
    return where


def _type_names(tree: ast.Module) -> set[int]:
    """The arguments of `Literal[...]`: the code's own names for its values, not English."""
    return {
        id(node.slice)
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        and (getattr(node.value, "id", None) or getattr(node.value, "attr", None)) == "Literal"
    }


def rules_in_code(modules: dict[str, Module], allowed=NOT_LANGUAGE) -> list[RuleInCode]:
    found = []
    for module in modules.values():
        docstrings, where = _docstrings(module.tree), _scopes(module.tree)
        skipped = _type_names(module.tree)
        texts = {
            target.id: top.value.value
            for top in module.tree.body
            if isinstance(top, ast.Assign) and isinstance(top.value, ast.Constant)
            for target in top.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(module.tree):
            place = where.get(id(node), "")
            if (module.name, place) in allowed or place in ("__all__", "__slots__"):
                continue
            if id(node) in skipped:
                continue
            strings = words_of(node, texts)
            if strings is not None:
                words = [s for s in strings if _LOWER_WORD.fullmatch(s)]
                if len(words) >= MIN_WORDS and not set(words) <= PARSER_LABELS:
                    found.append(RuleInCode(module.name, place, node.lineno, repr(words[:6])))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                alternation = _ALTERNATION.search(node.value)
                if alternation and id(node) not in docstrings:
                    found.append(RuleInCode(module.name, place, node.lineno, alternation[0]))
    return found


def test_no_language_rule_is_written_in_code():
    found = rules_in_code(MODULES)
    assert not found, (
        "move these to a rule file beside the stage (ARCHITECTURE.md, 'where to add a rule'), "
        "or list them in NOT_LANGUAGE with why they are not English:\n" + "\n".join(map(str, found))
    )


@pytest.mark.parametrize("module, where", sorted(NOT_LANGUAGE))
def test_each_word_list_allowed_in_code_is_still_there(module, where):
    assert module in MODULES and where in set(_scopes(MODULES[module].tree).values()), (
        f"{module} {where} is gone: take it off NOT_LANGUAGE"
    )


def test_the_rule_check_finds_word_lists_and_alternations_however_written(tmp_path):
    modules = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": (
                '"""Words: a|b|c and said|says|told in a docstring are prose."""\n'
                'CUES = ("last", "next", "this", "coming")\n'
                'NAMES = {"lunes": 0, "martes": 1, "jueves": 3, "viernes": 4}\n'
                'STOP = frozenset("a an the of".split())\n'
                '_TEXT = """\n    yes no maybe perhaps\n"""\n'
                "MORE = frozenset(_TEXT.split())\n"
                'LABELS = ("nsubj", "dobj", "amod", "advcl")\n'
                'UPPER = ("GPE", "LOC", "FAC", "ORG")\n'
                'THREE = ("he", "she", "it")\n'
                "import re\n"
                "def said(text):\n"
                '    return re.search(r"\\b(?:said|says|told)\\b", text) '
                'or re.search(r"\\d|\\w|\\s", text)\n'
            ),
        },
    )
    found = rules_in_code(modules, allowed={("pkg.a", "NAMES"): "a test"})
    assert [(rule.where, rule.line) for rule in found] == [
        ("CUES", 2),
        ("STOP", 4),
        ("MORE", 8),
        ("said", 14),
    ]

"""Every language rule of ingest (src/newsweave/ingest/rules/furniture.toml), of the analysis
(src/newsweave/analysis/rules/*.toml) and of the briefs
(src/newsweave/briefs/rules/*.toml: sections, lead), tested from the files themselves: every rule
says what it is for, holds examples that must and must not match (two of each at least: no rule
is made for one sentence), and fires on each `match` example and on no `no_match` one. What
"fire" means is its reader's: a value rule's probe (`analysis.values.probes`) on the parsed
example; a page-furniture rule (`ingest.furniture`) holds on the sentence in its paragraph, and
a news example is left alone by the detector as a whole; a section rule by its patterns
(`briefs.sections.matches`); a lead rule when `briefs.lead.lead_faults` names it; an edit rule
(briefs/rules/edits.toml) when its pattern matches the sentence's start. A word list of
src/newsweave/analysis/vocabulary/*.toml, of src/newsweave/stories/rules/words.toml and of
src/newsweave/briefs/rules/words.toml fires on a sentence holding one of its words or of its
table's words (needing no parse, so those examples run in the fast loop); a cleaning rule of
src/newsweave/ingest/rules/clean.toml holds where its `how` says (`ingest.clean.rule_holds`).

And no language rule is left in code: `test_no_language_rule_is_written_in_code` reads
src/newsweave with `ast` and fails on a word list or a word alternation written there (what
counts, and what is allowed with its reason, is said beside it)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import pytest

from newsweave.analysis.nlp import load_nlp
from newsweave.analysis.values.rules import all_rules, probes
from newsweave.analysis.vocabularies import VOCABULARY
from newsweave.briefs.edits import edit_pattern, edit_rules
from newsweave.briefs.lead import RULES_FOLDER as BRIEF_RULES
from newsweave.briefs.lead import lead_faults, lead_rules
from newsweave.briefs.sections import matches, section_rules
from newsweave.ingest.clean import rule_holds
from newsweave.ingest.furniture import FILE as FURNITURE
from newsweave.ingest.furniture import FOLDER as INGEST_RULES
from newsweave.ingest.furniture import furniture_rule, furniture_rule_of
from newsweave.rulebook import Example, Rule, rules_in, rules_of_file
from newsweave.stories.cluster_features import RULES as STORY_RULES
from test_layout import MODULES, Module, write_package

VALUE_RULES = sorted(all_rules().values(), key=lambda rule: rule.id)
FURNITURE_RULES = sorted(rules_of_file(INGEST_RULES / FURNITURE).values(), key=lambda rule: rule.id)
CLEAN_RULES = sorted(rules_of_file(INGEST_RULES / "clean.toml").values(), key=lambda rule: rule.id)
CLEAN_PATTERN_RULES = [rule for rule in CLEAN_RULES if rule.patterns]
RULES = VALUE_RULES + FURNITURE_RULES
SECTION_RULES = sorted(section_rules().values(), key=lambda rule: rule.id)
LEAD_RULES = sorted(lead_rules().values(), key=lambda rule: rule.id)
VOCABULARY_RULES = sorted(rules_in(VOCABULARY).values(), key=lambda rule: rule.id)
WORD_RULES = sorted(
    [
        *rules_in(STORY_RULES).values(),
        *rules_of_file(BRIEF_RULES / "words.toml").values(),
        *(rule for rule in CLEAN_RULES if not rule.patterns),
    ],
    key=lambda rule: rule.id,
)
EDIT_RULES = sorted(edit_rules().values(), key=lambda rule: rule.id)


def examples_of(rules: list[Rule]) -> list:
    """Each example of each rule, with whether the rule must fire on it, as test parameters."""
    return [
        pytest.param(rule, example, expected, id=f"{rule.id}:{'match' if expected else 'no'}:{n}")
        for rule in rules
        for expected, examples in ((True, rule.match), (False, rule.no_match))
        for n, example in enumerate(examples)
    ]


EXAMPLES = examples_of(RULES + SECTION_RULES + LEAD_RULES)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_there_are_rules_in_every_file():
    assert {rule.file for rule in FURNITURE_RULES} == {"furniture.toml"}
    assert {rule.file for rule in VALUE_RULES} == {
        "counts.toml",
        "dates.toml",
        "grammar.toml",
        "people.toml",
        "places.toml",
        "yes_no.toml",
    }


def test_the_sections_file_holds_the_rules_the_sections_read():
    assert {rule.id for rule in SECTION_RULES} == {
        "why.significance",
        "why.consequence",
        "why.could",
        "why.reported",
        "why.judgement",
        "analysis.judgement",
        "analysis.experts",
        "analysis.officials",
        "analysis.attributed",
        "sections.leans-back",
        "pull-quote.clause",
    }


@pytest.mark.parametrize(
    "rule",
    RULES
    + SECTION_RULES
    + LEAD_RULES
    + VOCABULARY_RULES
    + EDIT_RULES
    + WORD_RULES
    + CLEAN_PATTERN_RULES,
    ids=lambda rule: rule.id,
)
def test_each_rule_says_what_it_is_for_and_has_examples_both_ways(rule):
    assert rule.purpose.strip().endswith("."), "a purpose is one sentence"
    assert len(rule.match) >= 2, f"{rule.id}: add examples it must match, from several events"
    assert len(rule.no_match) >= 2, f"{rule.id}: add examples it must not match"
    assert rule.words or rule.table or rule.patterns or rule.number or "one" in rule.id, (
        f"{rule.id} holds nothing"
    )


@pytest.mark.parametrize("rule", VALUE_RULES, ids=lambda rule: rule.id)
def test_each_value_rule_has_a_probe(rule):
    assert rule.id in probes(), f"register a probe for {rule.id} in analysis/values/probes.py"


def test_every_probe_has_a_rule():
    assert set(probes()) <= {rule.id for rule in VALUE_RULES}


@pytest.mark.parametrize("rule, example, expected", EXAMPLES)
def test_an_example_matches_as_its_rule_says(nlp, rule: Rule, example: Example, expected: bool):
    if rule in SECTION_RULES:
        assert matches(rule.id, example.sentence) is expected, f"{rule.id}: {example}"
        return
    if rule in LEAD_RULES:
        faults = lead_faults(example.sentence)
        assert (rule.id in faults) is expected, f"{rule.id}: {example} {faults}"
        return
    if rule.file != FURNITURE:
        assert probes()[rule.id](nlp(example.sentence)) is expected, f"{rule.id}: {example}"
        return
    found = furniture_rule(example.sentence, paragraph=example.paragraph, before=example.before)
    if expected:
        sentence, paragraph = (" ".join(t.split()) for t in (example.sentence, example.paragraph))
        held = furniture_rule_of(rule).holds(sentence, paragraph, example.before)
        assert held, f"{rule.id}: {example}"
        assert found is not None
    else:
        assert found is None, f"{example.sentence!r} caught by {found and found.id}"


def test_the_vocabulary_holds_the_word_lists_the_analysis_reads():
    assert {rule.file for rule in VOCABULARY_RULES} == {
        "dates.toml",
        "people.toml",
        "quotes.toml",
        "words.toml",
    }
    assert not {rule.id for rule in VOCABULARY_RULES} & {rule.id for rule in RULES}


def test_the_stories_the_writer_and_cleaning_keep_their_word_lists_in_one_file_each():
    assert {rule.file for rule in WORD_RULES} == {"words.toml", "clean.toml"}
    assert {"calendar.months", "stop-words", "briefs.spelled-numbers"} <= {
        rule.id for rule in WORD_RULES
    }


@pytest.mark.parametrize(
    "rule, example, expected",
    examples_of(VOCABULARY_RULES + WORD_RULES),
)
def test_a_vocabulary_example_holds_one_of_its_words_as_its_rule_says(
    rule: Rule, example: Example, expected: bool
):
    text = example.sentence.lower()
    words = set(re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text))  # accented letters too
    listed = (
        rule.words
        | set(rule.table or {})
        | {word for others in (rule.table or {}).values() for word in others.split()}
    )
    # a phrase of the list ("per cent", "at least") is held as a whole phrase
    phrases = {p for p in listed if " " in p and re.search(rf"\b{re.escape(p)}\b", text)}
    held = (words & listed) | phrases
    assert bool(held) is expected, f"{rule.id}: {example} {sorted(held)}"


@pytest.mark.parametrize("rule, example, expected", examples_of(CLEAN_PATTERN_RULES))
def test_a_cleaning_example_holds_where_its_rule_says(rule: Rule, example: Example, expected: bool):
    assert rule_holds(rule, example.sentence) is expected, f"{rule.id}: {example}"


def test_the_edits_file_holds_the_rules_the_writer_edits_by():
    assert {rule.id for rule in EDIT_RULES} == {
        "edits.connective",
        "edits.kicker",
        "edits.unresolved-opening",
        "edits.plural-es",
        "edits.plural-unchanged",
    }


@pytest.mark.parametrize(
    "rule, example, expected",
    examples_of(EDIT_RULES),
)
def test_an_edit_example_matches_at_its_start_as_its_rule_says(
    rule: Rule, example: Example, expected: bool
):
    found = edit_pattern(rule.id).match(example.sentence)
    assert (found is not None) is expected, f"{rule.id}: {example}"


# -- language rules live in rule files -----------------------------------------------------
#
# A word list or a pattern that reads English belongs in a rule file beside its stage (the
# `[[rule]]` schema of newsweave/rulebook.py, with examples tests/test_rules.py runs), not in
# code. What reads as one in code: a literal tuple, list, set or frozenset (or a dict's keys,
# or a string split into words) of at least MIN_WORDS lowercase words, or a string holding an
# alternation of at least MIN_ALTERNATIVES plain words (`said|says|told`). Docstrings are prose.

MIN_WORDS = 2
MIN_ALTERNATIVES = 2
_LETTER = "a-zß-öø-ÿ"  # a lower-case letter, accented ones too ("próximo")
_LOWER_WORD = re.compile(
    rf"[{_LETTER}]+(?:['’-][{_LETTER}]+)*(?: [{_LETTER}]+(?:['’-][{_LETTER}]+)*)*"
)
_ALTERNATION = re.compile(
    rf"(?<![\\\w])[{_LETTER}]{{2,}}(?:\|[{_LETTER}]{{2,}}){{{MIN_ALTERNATIVES - 1},}}(?!\w)"
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
    ("newsweave.cli.articles", "articles_command"): "the columns `articles` prints (CLI output)",
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
    (
        "newsweave.ingest.furniture",
        "SCOPES",
    ): "the furniture rules' scopes, as the schema names them",
    ("newsweave.briefs.model", "SECTION_KINDS"): "the brief's section names",
    ("newsweave.briefs.render", "HEADINGS"): "the brief's section names",
    ("newsweave.briefs.llm", "parse_answer"): "the brief's section names, as the prompt asks",
    ("newsweave.briefs.verify", "verify_brief"): "the verification report's field names",
    ("newsweave.ingest.clean", "_LANGUAGE_NAMES"): "language codes, with the names they print as",
    ("newsweave.analysis.stage", "STEPS"): "the analysis steps' names",
    ("newsweave.analysis.disagreements", "KINDS"): "the kinds of value the analysis reads",
    ("newsweave.analysis.dates", "_parse_with_dateparser"): "dateparser's names for periods",
    ("newsweave.analysis.dates", "_date_parser"): "the language codes dateparser is given",
    ("newsweave.analysis.disagreements", "_disagreement"): "the kinds of value the analysis reads",
    ("newsweave.analysis.facts", "FEATURES"): "the same-fact score's feature names",
    ("newsweave.analysis.nli", "LABELS"): "an NLI model's label names",
    ("newsweave.analysis.nli", "CROSS_ENCODER_ORDER"): "an NLI model's label names",
    ("newsweave.analysis.values.days", "same_form"): "the forms a date value takes",
    ("newsweave.analysis.values.days", "_parties"): "spaCy's dependency labels",
    ("newsweave.analysis.values.grammar", "name_words"): "spaCy's dependency labels",
    ("newsweave.analysis.values.probes", "_apart"): "the forms a date value takes",
    ("newsweave.briefs.render", "FORMATS"): "the output formats",
    ("newsweave.briefs.render", "_with_pull_quote"): "the brief's section names",
    ("newsweave.cli.evaluation", "eval_summarize_command"): "the writers' names (CLI choices)",
    ("newsweave.cli.run", "_engine_option"): "the engines' names (CLI choices)",
    ("newsweave.cli.settings", "settings_command"): "the columns `settings` prints",
    ("newsweave.evaluate.attribution", "ROLES"): "the gold file's span roles",
    ("newsweave.evaluate.attribution", "_gold_article"): "the gold file's JSON fields",
    ("newsweave.evaluate.support", "_support_pair"): "the gold file's JSON fields and labels",
    ("newsweave.ingest.body", "_decoded"): "HTTP content codings",
    ("newsweave.ingest.clean", "_repair_unicode"): "Python's codec method names",
    ("newsweave.ingest.feeds", "FEED_ROOTS"): "XML root element names of feeds",
    ("newsweave.ingest.feeds", "_entry_time"): "feedparser's field names",
    ("newsweave.ingest.web", "check_url"): "URL schemes",
    ("newsweave.ingest.web", "_canonical_url"): "URL schemes",
    ("newsweave.outward", "LINK_SCHEMES"): "URL schemes",
    ("newsweave.settings", "_apply"): "the settings' allowed values",
    ("newsweave.settings", "_coerce"): "the spellings a setting's true or false may take",
    ("newsweave.store.postgres_schema", "SEARCH"): "table names",
    ("newsweave.store.postgres_schema", "COUNT"): "table names",
    ("newsweave.store.rows", "FEED_POLL_COLUMNS"): "column names",
    ("newsweave.stories.embed", "EMBEDDER_NAMES"): "the embedders' names (a setting's values)",
    ("newsweave.stories.embed", "POOLINGS"): "pooling names (a setting's values)",
    ("newsweave.stories.events", "_PARTIAL_TEXT"): "quality flags' names",
    ("newsweave.stories.stage", ""): "the stage's steps, as its progress bar names them",
    ("newsweave.web.feeds", "entry_html"): "the brief's section names",
    ("newsweave.web.http", "conditional_get"): "ASGI message fields",
    ("newsweave.web.http", "head_as_get"): "ASGI message fields",
    ("newsweave.rulebook", "_example"): "a rule example's own field names",
    ("newsweave.briefs.assembly", "_report"): "the brief's own wording, not a rule that reads text",
    ("newsweave.briefs.assembly", "_judgement_attributed"): "the brief's own wording",
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
                'ONE = ("he",)\n'
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

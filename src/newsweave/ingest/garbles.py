"""Garbled names: a name corrupted by an inserted word ("Zel positronkyy" for "Zelenskyy").

`find_garbles(text, vocabulary)` flags each one `garbled`, with the name it corrupts as the
proposed repair; the text itself is left alone (cleaning, step 3).

The garble detector is hand-written because no library does this: spelling correctors work from
a dictionary and would "correct" rare names, while this corruption keeps a name's first and last
letters and puts a real-looking lowercase chunk between them. It compares each capitalised
fragment and the word after it with the names known in the article and in a corpus-wide
`NameVocabulary`; the exact rule is in `_garbled_name`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from newsweave.model import QualityFlag

__all__ = ["NameVocabulary", "find_garbles"]

# Garble rule thresholds (see `_garbled_name`).
MIN_FRAGMENT = 3  # letters of the name kept before the inserted chunk
MIN_SUFFIX = 3  # letters of the name kept at the end of the following word
MIN_INSERTED = 4  # letters of the inserted chunk
MAX_REPLACED = 3  # letters of the name the chunk may have replaced
KNOWN_RATIO = 20  # a word seen at least 1/20 as often as the name is a real word
MAX_NAME_WORDS = 5  # the longest multi-word name counted

_NON_LETTERS = {code: " " for code in range(0x3000) if not chr(code).isalpha()}  # to split words
_CAPITAL = "[" + "".join(chr(code) for code in range(0x530) if chr(code).isupper()) + "]"
# Patterns start with the capital class so that the regex engine skips ahead quickly.
_MID_SENTENCE_NAME = re.compile(rf"{_CAPITAL}(?<=[\w,;:] .)[^\W\d_]*")
_NAME_RUN = re.compile(rf"{_CAPITAL}(?<![^\W\d_].)[^\W\d_]+(?: {_CAPITAL}[^\W\d_]+)+")
_PAIR = re.compile(
    rf"{_CAPITAL}(?<![^\W\d_].)[^\W\d_]{{{MIN_FRAGMENT - 1},}}"
    rf"(?= ([^\W\d_]{{{MIN_INSERTED + MIN_SUFFIX},}})(?![^\W\d_]))"
)


class NameVocabulary:
    """How often each word, capitalised name and multi-word name appeared across a corpus.

    Built with one `add_text` call per article (a few regular-expression passes, so 20,000
    articles take seconds). The garble detector asks it which names are real and frequent and
    which words are known; the counts keep case, so "Bill" and "bill" are told apart.
    """

    def __init__(self) -> None:
        self._tokens: Counter[str] = Counter()  # every word, case kept
        self._mid_sentence: Counter[str] = Counter()  # capitalised words not opening a sentence
        self._phrases: Counter[str] = Counter()  # two to five capitalised words in a row
        self._by_prefix: dict[str, list[str]] | None = None

    def add_text(self, text: str) -> None:
        self._tokens.update(text.translate(_NON_LETTERS).split())
        self._mid_sentence.update(_MID_SENTENCE_NAME.findall(text))
        for run in _NAME_RUN.findall(text):
            words = run.split()[:MAX_NAME_WORDS]
            self._phrases.update(
                " ".join(words[start:end])
                for start in range(len(words) - 1)
                for end in range(start + 2, len(words) + 1)
            )
        self._by_prefix = None

    def count(self, name: str) -> int:
        """Occurrences of one word or a multi-word name ("Volodymyr Zelenskyy"), case kept."""
        return self._phrases[name] if " " in name else self._tokens[name]

    def count_any_case(self, word: str) -> int:
        forms = {word, word.lower(), word.capitalize(), word.upper()}
        return sum(self._tokens[form] for form in forms)

    def is_name(self, word: str) -> bool:
        """Seen at least twice, capitalised in mid-sentence at least once, rarely in lowercase."""
        seen = self._tokens[word]
        return (
            seen >= 2 and self._mid_sentence[word] >= 1 and self._tokens[word.lower()] * 10 <= seen
        )

    def names_starting_with(self, prefix: str) -> list[str]:
        """Names seen in mid-sentence that start with `prefix` and are longer than it."""
        if len(prefix) < MIN_FRAGMENT:
            return []
        if self._by_prefix is None:
            index: dict[str, list[str]] = {}
            for word in self._mid_sentence:
                index.setdefault(word[:MIN_FRAGMENT], []).append(word)
            self._by_prefix = index
        candidates = self._by_prefix.get(prefix[:MIN_FRAGMENT], [])
        return [word for word in candidates if len(word) > len(prefix) and word.startswith(prefix)]


@dataclass(frozen=True)
class _Evidence:
    """What the article itself and the corpus know; each count is the larger of the two."""

    vocabularies: tuple[NameVocabulary, ...]

    def count(self, word: str) -> int:
        return max(vocabulary.count(word) for vocabulary in self.vocabularies)

    def is_name(self, word: str) -> bool:
        return any(vocabulary.is_name(word) for vocabulary in self.vocabularies)

    def is_known_word(self, word: str, name: str) -> bool:
        seen = max(vocabulary.count_any_case(word) for vocabulary in self.vocabularies)
        return seen >= 2 and seen * KNOWN_RATIO >= self.count(name)

    def names_starting_with(self, prefix: str) -> set[str]:
        return {name for vocab in self.vocabularies for name in vocab.names_starting_with(prefix)}


def find_garbles(text: str, vocabulary: NameVocabulary | None) -> list[QualityFlag]:
    """A `garbled` flag, with its proposed repair, for each corrupted name of a cleaned text;
    `vocabulary` is the corpus the article belongs to (see `clean_text`)."""
    local = NameVocabulary()
    local.add_text(text)
    evidence = _Evidence((local,) if vocabulary is None else (local, vocabulary))
    flags = []
    for match in _PAIR.finditer(text):
        fragment, tail = match.group(0), match.group(1)
        if not tail.islower():
            continue
        name = _garbled_name(fragment, tail, evidence)
        if name:
            start, end = match.start(), match.end(1)
            detail = f"'{text[start:end]}' looks like a corrupted '{name}'"
            flags.append(QualityFlag("garbled", detail, (start, end), name))
    return flags


def _garbled_name(fragment: str, tail: str, evidence: _Evidence) -> str | None:
    """The known name that `fragment tail` ("Zel positronkyy") corrupts, if any.

    The rule: a capitalised fragment F followed by a lowercase word T is a corrupted name N when
    - F is N's beginning, at least 3 letters, and shorter than N;
    - T ends with at least 3 of N's last letters (the suffix S), not overlapping F;
    - the rest of T, the inserted chunk, has at least 4 letters, and it replaces at most 3
      letters of N ("Zel|ens|kyy" → "Zel| positron|kyy", "Drav||enko" → "Drav| kilometr|enko");
    - N is a known name: seen at least twice, capitalised in mid-sentence at least once and
      rarely in lowercase, in this article or in the corpus vocabulary;
    - neither F nor T is a known word: each was seen at most once, or less than 1/20 as often
      as N (so "Putin said", "Star customer" near "Starmer" with a corpus, and two real names
      sharing a prefix are left alone).
    When several names fit, the one sharing most letters with F and T, then the most frequent,
    is proposed.
    """
    best: tuple[tuple[int, int], str] | None = None
    for name in evidence.names_starting_with(fragment):
        limit = len(name) - len(fragment)
        suffix = _common_suffix_length(tail, name, limit)
        if (
            suffix < MIN_SUFFIX
            or len(tail) - suffix < MIN_INSERTED
            or limit - suffix > MAX_REPLACED
            or not evidence.is_name(name)
            or evidence.is_known_word(fragment, name)
            or evidence.is_known_word(tail, name)
        ):
            continue
        key = (len(fragment) + suffix, evidence.count(name))
        if best is None or key > best[0]:
            best = (key, name)
    return best[1] if best else None


def _common_suffix_length(first: str, second: str, limit: int) -> int:
    length = 0
    while length < min(limit, len(first)) and first[-1 - length] == second[-1 - length]:
        length += 1
    return length

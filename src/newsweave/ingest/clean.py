"""Cleaning, the last step of ingest: an article's text as received becomes the text every later
stage reads.

`clean_text` runs these steps and records each finding as a `QualityFlag` (data shown to users):

0. A text longer than `MAX_TEXT_CHARS` is cut at the last paragraph or sentence end before it
   (`oversized`): the analysis parser refuses a text over 1,000,000 characters, and one of a few
   hundred thousand already takes a parse worker the better part of a gigabyte.
1. Unicode repair with ftfy. Real mojibake repair ("donâ€™t" → "don’t") is flagged `mojibake`;
   typographic quotes are kept as they are, because later stages match quotes verbatim. Control
   characters (C0 and C1 but line breaks and tabs) and bidirectional overrides, embeddings and
   isolates are removed after the repair (ftfy reads C1 characters as mojibake first): no
   terminal or page should meet an escape sequence or a reordering scraped from a source.
2. Whitespace is normalised and the text split into paragraphs (blocks separated by blank lines,
   or one paragraph per line when the text has no blank lines); site chrome is removed
   (`boilerplate`), subscription prompts are removed (`paywall`), and a first line repeating
   the title is dropped. The output separates paragraphs by one blank line.
3. Names corrupted by an inserted word ("Zel positronkyy" for "Zelenskyy") are flagged
   `garbled` with a proposed repair (`garbles`); the text itself is left alone.
4. Another system's bracketed reference marks ("was "insolent" [1].", "[1, 2, 3]") are removed,
   flagged `citation_marks`, so that no brief prints them as if they were its own citations;
   the text as received keeps them.
5. A body that stops mid-sentence is flagged `truncated`, fewer than `min_words` words
   `too_short`, and text that py3langid is confident is not English `non_english`.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ftfy
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsweave.ingest.garbles import NameVocabulary, find_garbles
from newsweave.model import QualityFlag
from newsweave.outward import one_line, strip_controls
from newsweave.rulebook import Rule, compiled, rule_in

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_TEXT_CHARS",
    "Cleaned",
    "clean_text",
    "cut_to",
    "has_citation_marks",
    "is_boilerplate_line",
    "strip_citation_marks",
]

# The longest text the later stages read: spaCy's parser refuses texts over its max_length
# (1,000,000 characters), and at 100,000 characters (about 16,000 words, longer than nearly
# every news report) a parse already takes 4 s and 500 MB. Unicode repair can lengthen a text
# (a ligature becomes two or three letters), so the cleaned text is held to the limit as well.
MAX_TEXT_CHARS = 100_000
MAX_NAME_CHARS = 500  # the longest title, byline or outlet name kept

MAX_CHROME_WORDS = 25  # a line longer than this is prose, whatever it starts with
MAX_PAYWALL_WORDS = 30
MAX_CREDIT_WORDS = 12
MIN_ENGLISH_CONFIDENCE = 0.9  # normalised probability needed to call a text non-English
MIN_LANGUAGE_CONFIDENCE = 0.5  # below this `language` is left unknown
LANGUAGE_SAMPLE_CHARS = 2000  # enough text to tell a language, and cheap
ENGLISH_LIKE = {"en", "pcm", "sco", "zxx", "und"}  # never flagged non_english


_WS = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_NAV_SEPARATOR = re.compile(r"\s*[|•·›»]\s*")
# what cleaning reads as chrome, prompts, credits and unfinished text: rules/clean.toml
RULES = Path(__file__).with_name("rules")
_CHROME_END = re.compile(r"all rights reserved\W*$", re.IGNORECASE)
_TERMINAL = tuple(".!?\"”’')…]»")
_LAST_WORD = re.compile(r"([^\W\d_]+)\s*(\.\.\.|…|\.)$")


_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False)
_MOJIBAKE_FIXES = {"restore_byte_a0", "replace_lossy_sequences", "decode_inconsistent_utf8"}
_MOJIBAKE_FIXES |= {"fix_c1_controls"}
_LANGUAGE_NAMES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "es": "Spanish",
    "fi": "Finnish", "fr": "French", "hu": "Hungarian", "it": "Italian", "ja": "Japanese",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian", "zh": "Chinese",
}  # fmt: skip


@dataclass(frozen=True)
class Cleaned:
    """The result of cleaning one article's text."""

    text: str  # paragraphs separated by one blank line
    flags: tuple[QualityFlag, ...] = ()
    language: str | None = None  # ISO 639-1, when py3langid is confident enough


def is_boilerplate_line(line: str) -> bool:
    """Whether a line, as a whole, is site chrome rather than article text.

    A line is chrome when it is one of the known prompts in full ("Menu", "Share this article",
    "Accept cookies"), when a short line starts with one ("Read more: …", "Photo: …",
    "Subscribe to our newsletter", "© 2026 …"), when it is a navigation bar ("Home | World |
    Sport"), a parenthesised photo credit, or has no letters or digits at all ("* * *").
    A sentence that merely contains such words ("she would not share details") is not chrome.
    """
    text = _WS.sub(" ", line).strip()
    if not text:
        return False
    if not any(char.isalnum() for char in text):
        return True
    bare = text.strip(" .:!›»>→|-–—•·")
    if rule_holds(_rule("clean.chrome-line"), bare) or _is_navigation(text):
        return True
    if len(text.split()) > MAX_CHROME_WORDS:
        return False
    return bool(
        rule_holds(_rule("clean.chrome-start"), text)
        or _CHROME_END.search(text)
        or rule_holds(_rule("clean.photo-credit"), text)
    )


def _rule(rule_id: str) -> Rule:
    return rule_in(RULES, rule_id)


def rule_holds(rule: Rule, text: str) -> bool:
    """Whether a pattern rule of `rules/clean.toml` holds on a line: its patterns, read
    case-insensitively, over the whole of it, from its start or anywhere in it, as its `how`
    says."""
    pattern = compiled(rule)
    how = (rule.options or {})["how"]
    found = {"whole": pattern.fullmatch, "start": pattern.match, "anywhere": pattern.search}[how]
    return found(text) is not None


def clean_text(
    raw_text: str,
    *,
    title: str = "",
    min_words: int = 60,
    vocabulary: NameVocabulary | None = None,
    removed_chrome: Sequence[str] = (),
    max_chars: int = MAX_TEXT_CHARS,
) -> Cleaned:
    """Clean one article's text and say what was found; never raises on odd input.

    The cleaned text is at most `max_chars` long; a longer text is cut (see step 0).

    `vocabulary` is the corpus the article belongs to, ideally including this article (as ingest
    builds it); it lets the garble detector recognise a name spelled correctly only elsewhere.
    `removed_chrome` are lines of site chrome the reader already left out of `raw_text` (page
    navigation outside an HTML article); they are reported in the same `boilerplate` flag.
    """
    received = raw_text or ""
    text, mojibake = _repair_unicode(cut_to(received, max_chars))
    text, marks = _remove_citation_marks(strip_controls(text))
    paragraphs, chrome, paywall = _split_paragraphs(text, title)
    joined = "\n\n".join(paragraphs)
    cleaned = cut_to(joined, max_chars)
    chrome = [*removed_chrome, *chrome]
    cut = max(len(received), len(joined)) > max_chars
    flags = [_oversized_flag(len(received), len(cleaned), max_chars) if cut else None]
    flags.extend((mojibake, marks))
    flags.append(_removal_flag("boilerplate", "site chrome", chrome))
    flags.append(_removal_flag("paywall", "subscription prompt", paywall))
    flags.extend(find_garbles(cleaned, vocabulary))
    flags.extend((_truncation_flag(paragraphs), _too_short_flag(cleaned, min_words)))
    language, language_flag = _detect_language(cleaned)
    flags.append(language_flag)
    return Cleaned(cleaned, tuple(flag for flag in flags if flag), language)


# Step 0: length

_PARAGRAPH_END = re.compile(r"\n")
_SENTENCE_STOP = re.compile(r"[.!?…][\"”’')\]]*\s")


def cut_to(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at the last paragraph end, else the last
    sentence end, else the last space, in its second half; mid-word only when it has none."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for boundary in (_PARAGRAPH_END, _SENTENCE_STOP, _WS):
        ends = [match.end() for match in boundary.finditer(head, limit // 2)]
        if ends:
            return head[: ends[-1]].rstrip()
    return head


def _oversized_flag(received: int, kept: int, limit: int) -> QualityFlag:
    detail = (
        f"the text was cut to {kept:,} characters at a paragraph or sentence end; "
        f"{received:,} were received and the analysis reads at most {limit:,}"
    )
    return QualityFlag("oversized", detail)


# Another system's reference marks: "[1]", "[1, 2, 3]", "[2-4]", with the space before them.
_CITATION_MARK = re.compile(r"[ \t]*\[\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*\]")


def has_citation_marks(text: str) -> bool:
    """Whether `text` holds another system's bracketed reference marks ("[1]", "[2-4]")."""
    return bool(_CITATION_MARK.search(text))


def strip_citation_marks(text: str) -> str:
    """`text` without bracketed reference marks."""
    return _CITATION_MARK.sub("", text)


def _remove_citation_marks(text: str) -> tuple[str, QualityFlag | None]:
    found = _CITATION_MARK.findall(text)
    if not found:
        return text, None
    shown = ", ".join(dict.fromkeys(mark.strip() for mark in found[:5]))
    plural = "mark" if len(found) == 1 else "marks"
    detail = f"removed {len(found)} reference {plural} of another system, such as {shown}"
    return strip_citation_marks(text), QualityFlag("citation_marks", detail)


def _is_navigation(text: str) -> bool:
    parts = [part for part in _NAV_SEPARATOR.split(text) if part]
    return len(parts) >= 3 and all(len(part.split()) <= 3 and part[0].isupper() for part in parts)


# Step 1: unicode


def _repair_unicode(text: str) -> tuple[str, QualityFlag | None]:
    fixed_lines, repairs = [], []
    for line in text.splitlines():
        if line.isascii() and line.isprintable() and "&" not in line:
            fixed_lines.append(line)
            continue
        fixed, steps = ftfy.fix_and_explain(line, _FTFY_CONFIG)
        # Paragraph splitting collapses whitespace and drops zero-width characters, and control
        # and bidi characters go after the repair, which can leave mojibake ftfy reads only then
        # ("0\xa0×¸" → "0 ×¸" → "0 ׸"; "À\u2066†" → "À†" → "ˠ"); such a line is settled now and
        # repaired again, so cleaning a cleaned text finds nothing more to fix.
        settled = _WS.sub(" ", _ZERO_WIDTH.sub("", strip_controls(fixed))).strip()
        if settled != fixed.strip():
            fixed, more = ftfy.fix_and_explain(settled, _FTFY_CONFIG)
            steps = [*(steps or ()), *(more or ())]
        if any(act in ("encode", "decode") or fix in _MOJIBAKE_FIXES for act, fix in steps or ()):
            repairs.extend(_changed_words(line, fixed))
        fixed_lines.append(fixed)
    flag = None
    if repairs:
        worded = [pair for pair in repairs if any(char.isalpha() for char in pair[1])]
        before, after = (one_line(words, 60) for words in (worded or repairs)[0])
        places = "1 place" if len(repairs) == 1 else f"{len(repairs)} places"
        detail = f"repaired broken characters in {places}, such as '{before}' → '{after}'"
        flag = QualityFlag("mojibake", detail)
    return "\n".join(fixed_lines), flag


def _changed_words(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split(), after.split()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        (" ".join(old[i1:i2])[:60], " ".join(new[j1:j2])[:60])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag == "replace"
    ]


# Step 2: paragraphs, chrome, paywall


def _split_paragraphs(text: str, title: str) -> tuple[list[str], list[str], list[str]]:
    """Paragraphs kept, chrome lines removed, paywall lines removed."""
    title_key = _WS.sub(" ", title).strip().casefold()
    paragraphs: list[str] = []
    chrome: list[str] = []
    paywall: list[str] = []
    for block in _blocks(_ZERO_WIDTH.sub("", text)):
        kept: list[str] = []
        for line in block:
            if _is_paywall_line(line):
                paywall.append(line)
            elif is_boilerplate_line(line):
                chrome.append(line)
            elif paragraphs or kept or not title_key or line.casefold() != title_key:
                kept.append(line)
        paragraph = " ".join(kept)
        if len(kept) > 1 and _is_paywall_line(paragraph):
            paywall.append(paragraph)
        elif len(kept) > 1 and is_boilerplate_line(paragraph):
            chrome.append(paragraph)
        elif paragraph:
            paragraphs.append(paragraph)
    return paragraphs, chrome, paywall


def _blocks(text: str) -> list[list[str]]:
    """Lines grouped by blank lines; one line per group when the text has no blank line."""
    blocks: list[list[str]] = [[]]
    for raw_line in text.splitlines():
        line = _WS.sub(" ", raw_line).strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    if len(blocks) == 1:
        return [[line] for line in blocks[0]]
    return blocks


def _is_paywall_line(line: str) -> bool:
    match = compiled(_rule("clean.paywall")).search(line)
    return match is not None and (match.start() == 0 or len(line.split()) <= MAX_PAYWALL_WORDS)


def _removal_flag(kind: str, what: str, lines: list[str]) -> QualityFlag | None:
    if not lines:
        return None
    shown = ", ".join(f"'{one_line(line, 80)}'" for line in lines[:5])
    more = f" and {len(lines) - 5} more" if len(lines) > 5 else ""
    plural = "line" if len(lines) == 1 else "lines"
    return QualityFlag(kind, f"removed {len(lines)} {plural} of {what}: {shown}{more}")


# Step 4: truncation, length, language


def _truncation_flag(paragraphs: list[str]) -> QualityFlag | None:
    body = list(paragraphs)
    while (
        body
        and len(body[-1].split()) <= MAX_CREDIT_WORDS
        and rule_holds(_rule("clean.credit"), body[-1])
    ):
        body.pop()
    if not body:
        return None
    last = body[-1]
    if last.endswith(_TERMINAL) and not _ends_with_dangling_word(last):
        return None
    tail = " ".join(last.split()[-6:])
    return QualityFlag("truncated", f"body ends mid-sentence: '{tail}'")


def _ends_with_dangling_word(paragraph: str) -> bool:
    match = _LAST_WORD.search(paragraph)
    if not match:
        return False
    word, stop = match.groups()
    dangling = _rule("clean.dangling-before-stop").words
    if stop != ".":
        dangling |= _rule("clean.dangling-before-ellipsis").words
    return word in dangling


def _too_short_flag(text: str, min_words: int) -> QualityFlag | None:
    words = len(text.split())
    if words >= min_words:
        return None
    return QualityFlag("too_short", f"{words} words, fewer than the {min_words} a report needs")


@functools.cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _detect_language(text: str) -> tuple[str | None, QualityFlag | None]:
    if not any(char.isalpha() for char in text):
        return None, None
    code, confidence = _identifier().classify(text[:LANGUAGE_SAMPLE_CHARS])
    language = code if confidence >= MIN_LANGUAGE_CONFIDENCE and len(code) == 2 else None
    if code in ENGLISH_LIKE or confidence < MIN_ENGLISH_CONFIDENCE:
        return language, None
    name = _LANGUAGE_NAMES.get(code, f"language '{code}'")
    detail = f"text looks like {name} ({code}, confidence {confidence:.2f}), not English"
    return language, QualityFlag("non_english", detail)

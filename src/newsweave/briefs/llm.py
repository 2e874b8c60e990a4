"""The LLM writer: a brief drafted by any OpenAI-compatible chat endpoint, then verified.

`LlmWriter(settings)` is a writer like `embedded.write_brief`: given an event's material it returns
a draft brief, which verification then checks like any other. It sends the event's sources
numbered exactly as the brief's source list numbers them (one per independent report, wire
copies together), each cut to a share of SOURCE_CHARS so small context windows hold them all,
and asks for the brief's prose sections back, one sentence a line:

    LEAD: <one sentence: what happened> [1, 2]
    WHY: <why it matters> [2]
    BODY: <a sentence> [1]
    ANALYSIS: <what it means> [3]

A line format rather than JSON, because every endpoint (llama.cpp, vLLM, Ollama, hosted APIs)
returns plain text while structured-output options differ between them, and a small model
breaks JSON more often than it drops a tag. Untagged lines count as body; lines are split into
sentences; a sentence's [n] groups are its citations (numbers outside the list are dropped).
What the model invents is verification's to remove: every sentence is checked against what it
cites, and a sentence
without citations is kept only when some source supports it on its own.

The parts built from the analysis stage (the source list, where sources differ, background, the
pull quote) are the same for every writer (`assembly.assemble`): they come from stored data, not
prose.

Requests: temperature 0 for repeatable briefs; `llm_timeout` per request; up to `llm_retries`
retries with a growing pause after a connection failure, a timeout, a 429 or a 5xx; any other
status, or an answer with no choices, fails at once. A failure is an `LlmError` saying which
endpoint failed and what to check; the briefs stage then writes with the embedded writer.
"""

from __future__ import annotations

import re
import time

import httpx

from newsweave.analysis.vocabularies import words_for
from newsweave.briefs.assembly import assemble
from newsweave.briefs.material import Material, source_list
from newsweave.briefs.model import Brief, BriefSentence, Section
from newsweave.errors import NewsweaveError
from newsweave.settings import Settings

__all__ = ["LlmError", "LlmWriter", "parse_answer"]

SOURCE_CHARS = 6000  # of source text in one prompt, shared out among the sources
MAX_TOKENS = 700
PAUSE = 1.0  # seconds before the first retry; doubled for each next one
SYSTEM = (
    "You are a news editor. Write a short, neutral brief of one news event using only the "
    "numbered sources the user gives. End every sentence with the numbers of the sources that "
    "state it, in square brackets, like [1] or [1, 3]. Put in quotation marks only words that "
    "appear in a source exactly. Write one sentence per line, each line starting with its "
    "part: LEAD: one sentence on what happened; WHY: one or two sentences on why it matters; "
    "BODY: three to six sentences on the rest; ANALYSIS: one or two sentences on what it means. "
    "Write nothing else."
)
PARTS = {"LEAD": "lead", "WHY": "why", "BODY": "body", "ANALYSIS": "analysis"}
_LINE = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:\*\*)?(LEAD|WHY|BODY|ANALYSIS)(?:\*\*)?\s*[:：-]\s*(.*)$", re.I
)
# a sentence ends at . ! or ? (and any citations after it) before a capital or a quotation mark
_SENTENCE_END = re.compile(
    r"(?<=[.!?]|\])(?<![A-Z]\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bMrs\.)"
    r"\s+(?=[A-Z“\"])"
)
_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# a sentence holding a form of saying ("said", "according to": vocabulary/quotes.toml) is attributed
_ATTRIBUTED = re.compile(
    rf"\b(?:{'|'.join(sorted(words_for('quotes.reporting-forms', 'core', 'attribution')))})\b",
    re.I,
)
_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class LlmError(NewsweaveError):
    """The LLM endpoint could not give an answer."""


class LlmWriter:
    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        if not settings.llm_base_url:
            raise LlmError(
                "writer = llm needs llm_base_url (NEWSWEAVE_LLM_BASE_URL), the base URL of an "
                "OpenAI-compatible API such as http://127.0.0.1:8080/v1"
            )
        self.settings = settings
        self.url = settings.llm_base_url.rstrip("/") + "/chat/completions"
        headers = (
            {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
        )
        self.client = client or httpx.Client(
            headers=headers, timeout=httpx.Timeout(settings.llm_timeout, connect=10.0)
        )
        self.name = f"llm:{settings.llm_model or 'default'}"

    def __call__(self, material: Material, *, max_words: int | None = None) -> Brief:
        answer = self.complete(_prompt(material, max_words))
        prose = parse_answer(answer, sources=len(_event_sources(material)))
        return assemble(material, prose, self.name, max_words=max_words)

    def complete(self, prompt: str) -> str:
        """The model's answer to one prompt, with the retries of the module doc."""
        body = {
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": prompt},
            ],
            "temperature": 0,
            "max_tokens": MAX_TOKENS,
        }
        if self.settings.llm_model:
            body["model"] = self.settings.llm_model
        problem = ""
        for attempt in range(self.settings.llm_retries + 1):
            if attempt:
                time.sleep(PAUSE * 2 ** (attempt - 1))
            try:
                response = self.client.post(self.url, json=body)
            except httpx.TimeoutException:
                problem = f"no answer within {self.settings.llm_timeout:g} s"
                continue
            except httpx.TransportError as error:
                problem = f"cannot connect ({type(error).__name__})"
                continue
            if response.status_code in _RETRY_STATUS:
                problem = f"HTTP {response.status_code}"
                continue
            if response.status_code != 200:
                raise LlmError(
                    f"LLM endpoint {self.url} answered HTTP {response.status_code}: "
                    f"{response.text[:200]}; check llm_model and llm_api_key"
                )
            try:
                return response.json()["choices"][0]["message"]["content"] or ""
            except (ValueError, KeyError, IndexError, TypeError):
                raise LlmError(
                    f"LLM endpoint {self.url} answered without a chat completion; is it an "
                    "OpenAI-compatible API?"
                ) from None
        raise LlmError(
            f"LLM endpoint {self.url} failed {self.settings.llm_retries + 1} times ({problem}); "
            "check llm_base_url and that the server is running"
        )


def parse_answer(answer: str, *, sources: int) -> tuple[Section, ...]:
    """The prose sections of a model's answer in the line format of the module doc."""
    parts: dict[str, list[BriefSentence]] = {kind: [] for kind in PARTS.values()}
    for line in answer.splitlines():
        found = _LINE.match(line)
        kind, text = (PARTS[found[1].upper()], found[2]) if found else ("body", line)
        for piece in _SENTENCE_END.split(text):
            sentence = _sentence(piece, sources)
            if sentence is not None:
                parts[kind].append(sentence)
    if len(parts["lead"]) > 1:
        parts["body"][:0] = parts["lead"][1:]
        del parts["lead"][1:]
    body = parts["body"]
    paragraphs = {
        "lead": (tuple(parts["lead"]),),
        "why": (tuple(parts["why"][:2]),),
        "body": tuple(tuple(body[i : i + 3]) for i in range(0, len(body), 3)),
        "analysis": (tuple(parts["analysis"][:2]),),
    }
    return tuple(
        Section(kind, tuple(p for p in paragraphs[kind] if p))  # type: ignore[arg-type]
        for kind in PARTS.values()
        if any(paragraphs[kind])
    )


def _sentence(piece: str, sources: int) -> BriefSentence | None:
    """One sentence of the answer with its [n] citations taken out, or None when too short."""
    citations = sorted(
        {
            int(n)
            for group in _CITATION.findall(piece)
            for n in group.split(",")
            if 1 <= int(n) <= sources
        }
    )
    text = " ".join(_CITATION.sub("", piece).split()).strip(" *")
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    if len(text.split()) < 3:
        return None
    return BriefSentence(text, tuple(citations), attributed=bool(_ATTRIBUTED.search(text)))


def _event_sources(material: Material):
    return [entry for entry in source_list(material) if entry.event_id is None]


def _prompt(material: Material, max_words: int | None) -> str:
    sources = _event_sources(material)
    by_id = material.article_by_id
    share = SOURCE_CHARS // max(1, len(sources))
    blocks = []
    for entry in sources:
        text = by_id[entry.article_id].text
        if len(text) > share:
            text = text[:share].rsplit(" ", 1)[0] + " …"
        date = f" ({entry.published_at[:10]})" if entry.published_at else ""
        blocks.append(f"[{entry.number}] {entry.outlet}: {entry.title}{date}\n{text}")
    length = f" in about {max_words} words" if max_words else ""
    return "Sources:\n\n" + "\n\n".join(blocks) + f"\n\nWrite the brief{length}."

"""The sample corpus's gold direct quotes: how many the extractor finds, and how many of those
it gives the gold speaker, a wrong one, or none (the count tests/test_quotes.py holds a floor
under, told in full so a change to speaker resolution can be judged quote by quote).

    .venv/bin/python bench/quote_speakers.py [--wrong]

`--wrong` lists each quote given a wrong speaker or none: the gold speaker, the one found, the
words the quote is attributed to, and its context.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from newsweave.analysis.nlp import parse
from newsweave.analysis.people import name_key
from newsweave.analysis.quotes import Quote, extract_quotes
from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store

SAMPLE = Path(__file__).parents[1] / "src" / "newsweave" / "sample"


def stored_texts(folder: Path) -> dict[str, str]:
    """Each sample article's stored text by URL, ingested into a fresh store as a user would."""
    path = Path(tempfile.mkdtemp(prefix="quote-speakers-")) / "store.db"
    texts: dict[str, str] = {}
    with open_store(path) as store:
        ingest([str(folder)], store, Settings(db=path))
        for article in store.iter_articles():
            for url in (article.url, article.canonical_url):
                if url:
                    texts[url] = article.text
    return texts


def verdict(gold: dict, found: list[Quote]) -> str:
    if any(q.speaker and name_key(q.speaker) == name_key(gold["speaker"]) for q in found):
        return "right"
    return "none" if all(q.speaker is None for q in found) else "wrong"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wrong", action="store_true", help="list the quotes not given right")
    args = parser.parse_args()
    gold = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
    direct = [quote for quote in gold["quotes"] if quote["kind"] == "direct"]
    by_url = stored_texts(SAMPLE / "articles")
    urls = sorted({quote["article"] for quote in direct})
    texts = [by_url[url] for url in urls]
    quotes = {
        url: extract_quotes(t, d) for url, t, d in zip(urls, texts, parse(texts), strict=True)
    }
    counts = {"right": 0, "wrong": 0, "none": 0}
    for quote in direct:
        found = [q for q in quotes[quote["article"]] if quote["text"] in q.content]
        if not found:
            continue
        kind = verdict(quote, found)
        counts[kind] += 1
        if args.wrong and kind != "right":
            first, text = found[0], by_url[quote["article"]]
            words = text[slice(*first.speaker_span)] if first.speaker_span else None
            print(f"{quote['speaker']} | found {first.speaker} | words {words} | {first.context}")
    print(
        f"{len(direct)} gold direct quotes: {sum(counts.values())} found; speaker right "
        f"{counts['right']}, wrong {counts['wrong']}, none {counts['none']}"
    )


if __name__ == "__main__":
    main()

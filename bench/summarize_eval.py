"""Briefs against human summaries: newsweave beside the lead and LexRank baselines, one run.

    .venv/bin/python bench/summarize_eval.py [FILE ...] [--limit N] [--through-stories]
        [--leads OUT.jsonl]

FILEs are in the summarization schema (default: summ-multinews.jsonl and summ-allsides.jsonl in
../shared/eval/dev beside the repository, those that exist). For each file, in the same run:

- newsweave's embedded writer through `evaluate_summaries`, the code `newsweave eval summarize`
  runs (with `--through-stories`, `eval summarize --through-stories`: each event's articles
  through ingest, stories and analysis in a fresh store): ROUGE-1/2/L, the lead's unigram F1
  against the reference's first sentence beside the first article's first sentence, defects
  per 100 briefs, citation precision and recall, quote verbatim rate, briefs per second;
- **lead**: the articles' sentences round-robin (every article's first, then every second...,
  articles in the file's order) until the reference's word count;
- **LexRank** (Erkan & Radev 2004), written here: TF-IDF sentence vectors (scikit-learn, English
  stop words, fitted on the event's sentences), a graph joining sentences of cosine >= 0.1,
  PageRank on it (damping 0.85, power iteration), then the top sentences until the reference's
  word count, put back in reading order.

Both baselines split sentences with `analysis.nlp.split_sentences` and are scored with the same
`score_rouge` (cut to the reference's length) as the briefs. The support checker's balanced
accuracy on support-summedits.jsonl is printed beside the citation figures when that file is
there, since those figures are only as good as the checker. Last, where each brief's word
budget (the reference's length) goes: the share of the words ROUGE reads from each section, from
newsweave's own framing words (a background entry's date, "Other outlets report the same remark
as ") and left unfilled. `--leads OUT.jsonl` writes each event's id, lead, the first article's
first sentence, the reference, the brief's ROUGE and the whole brief, for reading by hand and
for comparing two runs event by event.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import TextIO

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsweave.analysis.nli import load_nli
from newsweave.analysis.nlp import split_sentences
from newsweave.briefs.model import SECTION_KINDS, Brief
from newsweave.briefs.render import render
from newsweave.evaluate.defects import DEFECT_KINDS
from newsweave.evaluate.summaries import (
    SummaryCluster,
    brief_lead,
    evaluate_summaries,
    read_summary_clusters,
    score_rouge,
)
from newsweave.evaluate.support import evaluate_support
from newsweave.settings import Settings

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"
DEFAULT_FILES = (DEV / "summ-multinews.jsonl", DEV / "summ-allsides.jsonl")
SUPPORT_FILE = DEV / "support-summedits.jsonl"
THRESHOLD = 0.1  # cosine from which two sentences are joined in LexRank's graph
DAMPING = 0.85
BUDGET_PARTS = (*SECTION_KINDS, "pull quote", "frames", "unfilled")

Rouge = tuple[float, float, float]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, help="score only the first LIMIT events of a file")
    parser.add_argument("--through-stories", action="store_true", help="as eval summarize's")
    parser.add_argument("--leads", type=Path, help="write each event's lead and brief here")
    args = parser.parse_args()
    files = args.files or [path for path in DEFAULT_FILES if path.is_file()]
    if not files:
        parser.error(f"give a summarization file; none of the default ones is in {DEV}")
    settings = Settings()
    nli = load_nli(settings.support_nli)
    rows = []
    for path in files:
        clusters = read_summary_clusters(path, settings, limit=args.limit)
        start = time.perf_counter()
        lead, lexrank = _baselines(clusters)
        print(f"{path.name}: baselines in {time.perf_counter() - start:.0f} s", flush=True)
        budget = Budget(args.leads.open("a", encoding="utf-8") if args.leads else None)
        scores = evaluate_summaries(
            path,
            settings,
            nli=nli,
            limit=args.limit,
            through_stories=args.through_stories,
            on_brief=budget.add,
        )
        print(
            f"{path.name}: {scores.clusters} briefs, {scores.briefs_per_second:.2f}/s", flush=True
        )
        rows.append((path.name, scores, lead, lexrank, budget))

    print("\n| dev file | events | lead | LexRank | newsweave |\n|---|---|---|---|---|")
    for name, scores, lead, lexrank, _ in rows:
        ours = (scores.rouge1, scores.rouge2, scores.rougeL)
        print(f"| {name} | {scores.clusters} | {_r(lead)} | {_r(lexrank)} | {_r(ours)} |")
    print(
        "\n| dev file | lead F1 | first article's first sentence F1 | "
        + " | ".join(f"{kind} /100 briefs" for kind in DEFECT_KINDS)
        + " | events whole | no brief |\n|---|---|---|"
        + "---|" * len(DEFECT_KINDS)
        + "---|---|"
    )
    for name, scores, *_ in rows:
        defects = " | ".join(f"{scores.defects.per_100(kind):.1f}" for kind in DEFECT_KINDS)
        print(
            f"| {name} | {100 * scores.lead_f1:.1f} | {100 * scores.first_sentence_f1:.1f} | "
            f"{defects} | {100 * scores.whole_events:.0f}% | {scores.no_brief} |"
        )
    print(
        "\n(citation precision and recall are judged by the support checker that verified the"
        " briefs: read them with its accuracy below, not as proof)"
        "\n\n| dev file | citation precision | citation recall | quote verbatim rate | briefs/s |"
        "\n|---|---|---|---|---|"
    )
    for name, scores, *_ in rows:
        print(
            f"| {name} | {scores.citation_precision:.3f} | {scores.citation_recall:.3f} | "
            f"{scores.quote_verbatim_rate:.3f} | {scores.briefs_per_second:.2f} |"
        )
    if SUPPORT_FILE.is_file():
        checker = evaluate_support(SUPPORT_FILE, nli=nli)
        print(
            f"\nsupport checker: balanced accuracy {checker.balanced_accuracy:.3f} on "
            f"{SUPPORT_FILE.name} ({checker.pairs} pairs)"
        )
    header = " | ".join(BUDGET_PARTS)
    print(f"\nwhere the word budget goes (% of the reference's words)\n\n| dev file | {header} |")
    print("|---|" + "---|" * len(BUDGET_PARTS))
    for name, *_, budget in rows:
        print(f"| {name} | " + " | ".join(budget.shares()) + " |")


def _r(scores: Rouge) -> str:
    return " / ".join(f"{100 * score:.1f}" for score in scores)


def _baselines(clusters: list[SummaryCluster]) -> tuple[Rouge, Rouge]:
    """Mean ROUGE of lead and of LexRank over the events."""
    texts = [article.text for cluster in clusters for article in cluster.articles]
    sentences = iter(split_sentences(texts))
    lead, lexrank = [], []
    for cluster in clusters:
        per_article = [[s.text for s in next(sentences)] for _ in cluster.articles]
        words = cluster.reference_words
        lead.append(score_rouge(lead_summary(per_article, words), cluster.reference))
        in_order = [s for article in per_article for s in article]
        lexrank.append(score_rouge(lexrank_summary(in_order, words), cluster.reference))
    return _mean(lead), _mean(lexrank)


def _mean(scores: list[Rouge]) -> Rouge:
    r1, r2, rl = (float(np.mean(column)) for column in zip(*scores, strict=True))
    return r1, r2, rl


def lead_summary(per_article: list[list[str]], words: int) -> str:
    """Every article's first sentence, then every article's second..., until `words` words."""
    chosen, count = [], 0
    for rank in range(max(map(len, per_article), default=0)):
        for sentences in per_article:
            if count >= words:
                return " ".join(chosen)
            if rank < len(sentences):
                chosen.append(sentences[rank])
                count += len(sentences[rank].split())
    return " ".join(chosen)


def lexrank_summary(sentences: list[str], words: int) -> str:
    """The most central sentences (LexRank with a cosine threshold) until `words` words, in
    reading order."""
    if len(sentences) < 2:
        return " ".join(sentences)
    try:
        vectors = TfidfVectorizer(stop_words="english").fit_transform(sentences)
    except ValueError:  # no word but stop words: nothing to rank by
        return lead_summary([sentences], words)
    graph = ((vectors @ vectors.T).toarray() >= THRESHOLD).astype(float)
    graph[graph.sum(axis=1) == 0] = 1.0  # a sentence of stop words only links to all
    transition = graph / graph.sum(axis=1, keepdims=True)
    n = len(sentences)
    rank = np.full(n, 1 / n)
    for _ in range(100):
        new = (1 - DAMPING) / n + DAMPING * transition.T @ rank
        if np.abs(new - rank).sum() < 1e-8:
            break
        rank = new
    chosen, count = [], 0
    for index in np.argsort(-rank, kind="stable"):
        if count >= words:
            break
        chosen.append(index)
        count += len(sentences[index].split())
    return " ".join(sentences[i] for i in sorted(chosen))


class Budget:
    """Words of the first `reference_words` of each brief's prose, by where they come from."""

    def __init__(self, leads: TextIO | None = None) -> None:
        self.words: Counter[str] = Counter()
        self.total = 0
        self.leads = leads

    def add(self, cluster: SummaryCluster, brief: Brief | None) -> None:
        left = cluster.reference_words
        self.total += left
        if self.leads is not None:
            self.leads.write(json.dumps(_lead_record(cluster, brief), ensure_ascii=False) + "\n")
            self.leads.flush()
        if brief is None:
            self.words["unfilled"] += left
            return
        for kind, sentence in brief.sentences():
            frame = min(len(sentence.frame.split()), left)
            text = min(len(sentence.text.split()), left - frame)
            self.words["frames"] += frame
            self.words[kind] += text
            left -= frame + text
        if brief.pull_quote:
            quote = min(len(brief.pull_quote.text.split()), left)
            self.words["pull quote"] += quote
            left -= quote
        self.words["unfilled"] += left

    def shares(self) -> list[str]:
        return [f"{100 * self.words[part] / self.total:.1f}" for part in BUDGET_PARTS]


def _lead_record(cluster: SummaryCluster, brief: Brief | None) -> dict[str, object]:
    return {
        "id": cluster.cluster_id,
        "rouge": [round(score, 4) for score in score_rouge(brief.prose(), cluster.reference)]
        if brief
        else None,
        "lead": brief_lead(brief),
        "first_sentence": split_sentences([cluster.articles[0].text[:3000]])[0][0].text,
        "reference": cluster.reference,
        "brief": render(brief, "markdown") if brief else None,
    }


if __name__ == "__main__":
    main()

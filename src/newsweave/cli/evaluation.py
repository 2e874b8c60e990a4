"""`newsweave eval`: score the stages against gold files (cluster, support, summarize,
attribution), each printing its scores as text or as one JSON object.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

import click

from newsweave.cli.base import main, with_settings
from newsweave.cli.output import out, print_json
from newsweave.settings import Settings


@main.group("eval")
def eval_group() -> None:
    """Score newsweave against gold data (the schemas of the evaluation README)."""


@eval_group.command("cluster")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@with_settings
def eval_cluster_command(settings: Settings, file: Path, as_json: bool) -> None:
    """Cluster a gold clustering file through the real pipeline; print B-cubed, ARI and speed.

    FILE has one article a line with its gold event ("gold"); the pipeline runs in a temporary
    store and never sees the gold labels.
    """
    from newsweave.evaluate.clustering import evaluate_clustering

    scores = evaluate_clustering(file, settings)
    if as_json:
        print_json(asdict(scores))
        return
    out.print(
        f"{file}: B-cubed P {scores.b3_precision:.3f} R {scores.b3_recall:.3f} "
        f"F1 {scores.b3_f1:.3f}, ARI {scores.ari:.3f}; {scores.articles} articles, "
        f"{scores.gold_clusters} gold events, {scores.found_clusters} found; "
        f"{scores.articles_per_second:.1f} articles/s",
        markup=False,
    )


@eval_group.command("support")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@with_settings
def eval_support_command(settings: Settings, file: Path, as_json: bool) -> None:
    """Check every pair of a support file; print balanced accuracy and the two recalls.

    FILE has one pair a line: "source" (an article's text), "claim" and a gold "label"
    (supported or unsupported). A pair counts as predicted supported only when the checker
    says supported; the support_nli setting, when set, names the NLI model that decides.
    """
    from newsweave.analysis.nli import load_nli
    from newsweave.evaluate.support import evaluate_support

    scores = evaluate_support(file, nli=load_nli(settings.support_nli))
    if as_json:
        keys = ("balanced_accuracy", "pairs", "supported_recall", "unsupported_recall")
        print_json({key: getattr(scores, key) for key in keys})
        return
    recalls = [
        f"{name} recall {value:.3f}" if value is not None else f"no {name} pairs"
        for name, value in (
            ("supported", scores.supported_recall),
            ("unsupported", scores.unsupported_recall),
        )
    ]
    out.print(
        f"{file}: balanced accuracy {scores.balanced_accuracy:.3f} on {scores.pairs} pairs "
        f"({', '.join(recalls)}); {scores.pairs_per_second:.1f} pairs/s",
        markup=False,
    )


@eval_group.command("summarize")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--writer",
    "writer_name",
    type=click.Choice(("embedded", "llm")),
    help="the writer that drafts the briefs [default: the writer setting]",
)
@click.option("--limit", type=click.IntRange(min=1), help="score only the first LIMIT events")
@click.option(
    "--through-stories",
    is_flag=True,
    help="run each event's articles through ingest, stories and analysis in a fresh store "
    "and score the brief of the event holding most of them (not the file's grouping)",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@with_settings
def eval_summarize_command(
    settings: Settings,
    file: Path,
    writer_name: str | None,
    limit: int | None,
    through_stories: bool,
    as_json: bool,
) -> None:
    """Write a brief for every event of a summarization file; print ROUGE, the lead's F1,
    defects per 100 briefs, citation precision and recall, the quote verbatim rate and speed.

    FILE has one event a line: its "articles" and a human-written "reference"; each brief is
    cut to the reference's length. Citations are judged by the support checker (with the
    support_nli setting's model, when set), the same checker that verified the brief: read
    those two figures with the checker's accuracy (`newsweave eval support`), not as proof.
    """
    from newsweave.analysis.nli import load_nli
    from newsweave.briefs.stage import writer_for
    from newsweave.evaluate.defects import DEFECT_KINDS
    from newsweave.evaluate.summaries import evaluate_summaries

    writer = writer_for(replace(settings, writer=writer_name or settings.writer))
    scores = evaluate_summaries(
        file,
        settings,
        writer=writer,
        nli=load_nli(settings.support_nli),
        limit=limit,
        through_stories=through_stories,
    )
    if as_json:
        print_json(scores.to_dict())
        return
    path = (
        "through ingest and stories, a fresh store per event" if through_stories else "as grouped"
    )
    defects = ", ".join(
        f"{kind.replace('_', ' ')} {scores.defects.per_100(kind):.1f}" for kind in DEFECT_KINDS
    )
    out.print(
        f"{file} ({scores.clusters} events, {path}): ROUGE-1/2/L {100 * scores.rouge1:.1f} / "
        f"{100 * scores.rouge2:.1f} / {100 * scores.rougeL:.1f}; lead F1 "
        f"{100 * scores.lead_f1:.1f} (first article's first sentence "
        f"{100 * scores.first_sentence_f1:.1f})\n"
        f"defects per 100 briefs: {defects}\n"
        f"quotes verbatim {scores.quote_verbatim_rate:.3f}; citation precision "
        f"{scores.citation_precision:.3f}, recall {scores.citation_recall:.3f} (judged by the "
        "support checker that verified the briefs: they prove nothing alone)\n"
        + (
            f"events whose articles all ended in one event: {100 * scores.whole_events:.0f}%; "
            if through_stories
            else ""
        )
        + (f"events with no brief: {scores.no_brief}; " if scores.no_brief else "")
        + f"{scores.briefs_per_second:.2f} briefs/s",
        markup=False,
    )


@eval_group.command("attribution")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def eval_attribution_command(file: Path, as_json: bool) -> None:
    """Extract the quotes of a gold attribution file; print source, cue, content and
    attribution F1 and speed.

    FILE has one article a line with its gold attributions (source, cue and content offsets);
    the extractor sees only the text.
    """
    from newsweave.evaluate.attribution import evaluate_attribution

    scores = evaluate_attribution(file)
    if as_json:
        keys = ("source_f1", "cue_f1", "content_f1", "attribution_f1", "articles")
        print_json({key: getattr(scores, key) for key in keys})
        return
    out.print(
        f"{file}: F1 source {scores.source_f1:.3f}, cue {scores.cue_f1:.3f}, content "
        f"{scores.content_f1:.3f}, attribution {scores.attribution_f1:.3f}; {scores.articles} "
        f"articles, {scores.gold_attributions} gold attributions, {scores.found_attributions} "
        f"found; {scores.articles_per_second:.1f} articles/s",
        markup=False,
    )

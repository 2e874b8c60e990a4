"""Scores against gold data, through the real pipeline, in the schemas of the evaluation README.

    gold.py          reading a gold file (JSONL), and F1: what every evaluation shares
    clustering.py    events found against gold events: B-cubed, ARI (`newsweave eval`)
    support.py       the support checker against gold pairs: balanced accuracy
    attribution.py   quote extraction against gold spans
    summaries.py     briefs against human summaries: ROUGE, the lead, citations, verbatim quotes
    end_to_end.py    an event's articles through ingest, stories and analysis, as a user runs
    defects.py       what an editor would strike: non-news, facts twice, long headlines,
                     dangling leads

Each module is imported where it is used: attribution and summaries load spaCy and the
briefs, which a clustering score does not need.
"""

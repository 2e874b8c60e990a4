"""The stories stage: stored articles become events and storylines.

    dedupe.py            wire copies and light rewrites (MinHash LSH); independent sources
    embed.py             sentence embedders (packaged MiniLM ONNX, wordllama, any ONNX export)
    cluster.py           online event clustering (cluster_features.py: its text features)
    storylines.py        events that continue one another
    stage.py             `build_stories`: runs the four above incrementally over the store
    events.py            the read API below

Other stages and the web read events through the names this package exports, never through
the stage's insides: `list_events`, `load_event`, `list_storylines`, and `event_of` (an event
made from its articles, its sources counted).
"""

from newsweave.stories.events import event_of, list_events, list_storylines, load_event

__all__ = ["event_of", "list_events", "list_storylines", "load_event"]

"""The analysis stage: sentences, entities, dates, quotes, claims, disagreements, support."""

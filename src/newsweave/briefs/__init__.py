"""Briefs: the writers, verification, rendering and the stage that keeps their versions."""

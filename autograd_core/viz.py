"""Graph drawing (filled in by the visualization work)."""

__all__: list[str] = []

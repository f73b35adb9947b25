"""Numerical gradient checks (filled in by the gradcheck work)."""

__all__: list[str] = []

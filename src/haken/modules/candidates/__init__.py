"""Candidates (履歴書): the recruiting pipeline up to the hire."""

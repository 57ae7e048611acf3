"""The legal reviewer's work: what changed in a content version, sign-off or return, verified sources,
and what a new edition of the law puts back under review."""

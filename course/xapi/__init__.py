"""Learning records out, as xAPI (Experience API 1.0.3) statements, for a learning record store."""

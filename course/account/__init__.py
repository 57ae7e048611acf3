"""The user's own settings."""

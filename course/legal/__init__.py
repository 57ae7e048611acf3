"""The law as data: provisions with editions, what readers are told about them, and their legal review."""

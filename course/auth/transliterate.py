"""A Latin username for a name typed in Turkmen or Russian letters: "Durdyýewa" → "durdyyewa",
"Дурдыева" → "durdyeva".

Usernames are typed on every keyboard in the room, so they stay in plain Latin letters; a trainer or learner
who writes one with Turkmen letters or in Cyrillic is offered this spelling instead of a bare refusal. The
spelling follows the official Turkmen Latin alphabet's usual plain-ASCII forms (ş → sh, ç → ch, ž → zh) and a
common romanisation of Russian; it is a suggestion, which the person may change.
"""

from __future__ import annotations

import re

_LETTERS = {
    # Turkmen Latin
    "ä": "a", "ç": "ch", "ň": "n", "ö": "o", "ş": "sh", "ü": "u", "ý": "y", "ž": "zh",
    # Russian and Turkmen Cyrillic
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ө": "o", "ү": "u", "җ": "j", "ң": "n",
}
_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def latin_username(text: str) -> str | None:
    """The suggestion, or None when nothing usable comes out (or ``text`` needed no change)."""
    lowered = text.strip().lower()
    spelled = "".join(_LETTERS.get(char, char) for char in lowered)
    spelled = re.sub(r"\s+", ".", spelled)
    spelled = re.sub(r"[^a-z0-9._-]", "", spelled).strip("._-")[:64]
    return spelled if spelled != lowered and _PATTERN.match(spelled) else None

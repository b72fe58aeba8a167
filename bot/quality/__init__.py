"""Photo quality engine: decode a photo safely, check it, and say what to fix (no Telegram here).

    from bot.quality import assess
    result = assess(data, "close_up", child=False)
"""

from bot.quality.clean import clean
from bot.quality.engine import assess
from bot.quality.result import CHECK_NAMES, Assessment, Check, Refusal, Shot, Status, Verdict

__all__ = [
    "CHECK_NAMES",
    "Assessment",
    "Check",
    "Refusal",
    "Shot",
    "Status",
    "Verdict",
    "assess",
    "clean",
]

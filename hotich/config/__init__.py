"""Settings and data files (label synonyms, thresholds)."""

from hotich.config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]

"""hotich: digitizes Vietnamese civil-status ledgers (sổ hộ tịch)."""

__version__ = "0.1.0"

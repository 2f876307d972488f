"""smarketing-tui: the weekly sales + marketing meeting in a terminal."""

__version__ = "0.1.0"

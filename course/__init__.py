"""Reading the Caliphate: the machinery of the course package (no course text lives here)."""

__version__ = "0.1.0"

"""sc-cancel: keeps Amazon sellers from missing buyer cancellation requests."""

__version__ = "0.1.0"

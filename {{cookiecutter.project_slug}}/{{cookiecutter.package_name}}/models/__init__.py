"""Database models, one module per table."""

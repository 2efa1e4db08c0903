"""The one settings object every process reads (environment variables, pydantic-settings)."""

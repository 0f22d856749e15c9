"""Query and command functions: keyword-only, typed, no HTTP and no HTML."""

"""HTTP layer: parse input, call services, render. No SQL here."""

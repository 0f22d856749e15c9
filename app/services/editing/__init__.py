"""Curators' edits, one module per aggregate: commitments, citations, sources, countries, events
(with their facts and signatories) and readers' suggestions; `optimistic` holds the optimistic
locking every save goes through, `common` the errors a save raises and how it is published.

Each save validates the form, checks the record's version (optimistic concurrency: a stale
version is refused, nothing is overwritten silently), bumps it, writes audit events
(before -> after) and publishes ONE new revision in the same transaction; after the commit the
after-publish hooks run. Forms arrive as the strings the curator typed (kept as typed, so a
refused form re-renders with them); once valid they become the typed dataclasses of `inputs`,
which is what a save writes. The version the form was built on is the field `version`. What a
form shows before the curator types is built next to the forms (app/routes/admin_forms.py).
"""

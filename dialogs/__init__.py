"""The pure domain of casereview: dialog, parsing, policies and screening.

No web framework, no database and no network here; `bot` and `integrations` build on it.
"""

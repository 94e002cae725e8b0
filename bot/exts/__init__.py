"""Discord features, one package each: a thin ``_cog.py`` beside its rendering and views."""

"""The image's recipe, checked without an engine (``scripts/image-smoke`` builds and runs it)."""

from __future__ import annotations

from tests.conftest import REPO


def docker_env_file(text: str) -> dict[str, str]:
    """What ``docker run --env-file`` sets from ``text``: KEY=VALUE lines, # comments."""
    pairs = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


def test_an_env_file_made_from_the_example_keeps_the_image_paths() -> None:
    # --env-file overrides the image's ENV: DATABASE_PATH=data/fanbot.db there meant
    # /app/data, which uid 10001 may not create.
    env = docker_env_file((REPO / ".env.example").read_text(encoding="utf-8"))
    assert "DISCORD_TOKEN" in env
    assert "DATABASE_PATH" not in env and "FACT_PACK" not in env

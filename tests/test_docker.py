"""The image's recipe, checked without an engine (``scripts/image-smoke`` builds and runs it)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.settings import Settings
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


DOCKERFILE = (REPO / "Dockerfile").read_text(encoding="utf-8")
LOCK = (REPO / "requirements.lock").read_text(encoding="utf-8")


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_base_is_pinned_once_for_both_stages() -> None:
    steps = instructions()
    [arg] = [value for step, value in steps if step == "ARG"]
    name, _, default = arg.partition("=")
    assert name == "PYTHON_IMAGE"
    assert re.fullmatch(r"python:3\.11\.\d+-slim-(bookworm|trixie)", default), default
    froms = [value.split()[0] for step, value in steps if step == "FROM"]
    assert froms == ["${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]


def test_dependencies_come_from_the_lock_before_the_code() -> None:
    steps = instructions()
    copies = [value for step, value in steps if step == "COPY"]
    assert copies[0] == "requirements.lock /tmp/requirements.lock"
    install = next(value for step, value in steps if step == "RUN" and "install" in value)
    assert "--require-hashes" in install and "-r /tmp/requirements.lock" in install
    order = [value for step, value in steps if step in {"COPY", "RUN"}]
    assert order.index(install) < order.index("bot ./bot")
    assert "COPY --from=build /opt/venv /opt/venv" in [f"{s} {v}" for s, v in steps]


def test_the_bot_runs_as_a_numeric_user_with_a_healthcheck_and_no_volume() -> None:
    steps = dict(instructions()[::-1])  # the last of each
    assert steps["USER"] == "10001:10001"
    assert steps["HEALTHCHECK"].endswith('CMD ["python", "-m", "bot", "health"]')
    assert steps["CMD"] == '["python", "-m", "bot", "run"]'
    assert "VOLUME" not in steps and "useradd" not in DOCKERFILE


def test_the_lock_pins_every_package_with_hashes_and_no_torch() -> None:
    packages = re.findall(r"^([a-z0-9][a-z0-9._-]*)==(\S+) \\$", LOCK, re.MULTILINE)
    names = {name for name, _ in packages}
    assert {"discord-py", "wordllama", "numpy", "aiosqlite", "prometheus-client"} <= names
    assert not {"torch", "nvidia-cudnn-cu12"} & names
    blocks = re.split(r"\n(?=[a-z0-9])", LOCK.split("\n\n", 1)[-1].strip())
    for block in blocks:
        if not block.startswith("#"):
            assert "--hash=sha256:" in block, block


def test_the_lock_covers_the_declared_dependencies() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = set(re.findall(r"^([a-z0-9][a-z0-9._-]*)==", LOCK, re.MULTILINE))
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0]
        assert re.sub(r"[._]", "-", name.lower()) in locked, requirement
    assert isinstance(project["license"], str)  # an SPDX expression, not a deprecated table


def test_the_build_context_leaves_secrets_and_caches_out() -> None:
    ignore = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line for line in ignore if line and not line.startswith("#")]
    assert rules[0] == "*"  # everything out, then only what the image needs back in
    assert {rule for rule in rules if rule.startswith("!")} == {
        "!requirements.lock",
        "!bot/",
        "!facts/",
    }


# --- compose.yaml: two shards on one PostgreSQL -------------------------------------

COMPOSE = REPO / "compose.yaml"


def compose() -> dict[str, Any]:
    """compose.yaml as Docker Compose reads it (YAML merge keys resolved)."""
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def test_compose_runs_a_postgres_with_a_named_volume_and_a_healthcheck() -> None:
    spec = compose()
    postgres = spec["services"]["postgres"]
    assert postgres["image"] == "postgres:15"
    [volume] = postgres["volumes"]
    name, _, target = volume.partition(":")
    assert target == "/var/lib/postgresql/data" and name in spec["volumes"]
    assert postgres["environment"]["POSTGRES_USER"] == "fanbot"
    assert postgres["environment"]["POSTGRES_DB"] == "fanbot"
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_compose_runs_every_shard_once_against_that_postgres() -> None:
    spec = compose()
    bots = {name: s for name, s in spec["services"].items() if name != "postgres"}
    assert len(bots) == 2
    shards: list[int] = []
    for service in bots.values():
        assert service["build"] == "." and (REPO / "Dockerfile").is_file()
        assert service["env_file"] == ".env"
        assert service["depends_on"] == {"postgres": {"condition": "service_healthy"}}
        env = service["environment"]
        assert env["DATABASE_URL"] == (
            "postgresql://fanbot:${POSTGRES_PASSWORD}@postgres:5432/fanbot"
        )
        shard_env = {"shard_count": env["SHARD_COUNT"], "shard_ids": env["SHARD_IDS"]}
        settings = Settings(_env_file=None, **shard_env)  # type: ignore[call-arg]
        assert settings.shard_count == 2 and settings.shard_ids is not None
        shards.extend(settings.shard_ids)
    assert sorted(shards) == [0, 1]


def test_compose_needs_only_variables_the_example_env_documents() -> None:
    wanted = set(re.findall(r"\$\{(\w+)", COMPOSE.read_text(encoding="utf-8")))
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    assert wanted == {"POSTGRES_PASSWORD"}
    assert all(re.search(rf"^#? ?{name}=", example, re.MULTILINE) for name in wanted)

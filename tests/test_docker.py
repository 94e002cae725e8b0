"""The image's recipe, checked without an engine (``scripts/image-smoke`` builds and runs it)."""

from __future__ import annotations

import re

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

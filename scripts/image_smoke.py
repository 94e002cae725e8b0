"""The image smoke test (run by ``scripts/image-smoke``; not part of ``.ci/run``).

From a clean clone of the repository's HEAD, runs the Docker block of the README, command by
command, with these changes only: ``docker`` is the engine found (docker or podman); the
names ``fanbot`` and ``fanbot-data`` get a unique suffix (so a real bot on this machine is
never touched); ``build`` gets ``--format docker`` (podman; keeps ``HEALTHCHECK``),
``--network host`` and ``PYTHON_IMAGE`` if set; ``run`` gets host networking and the test
harness's ``sitecustomize`` (``tests/fakediscord/boot``), which points discord.py at a fake
Discord served by this script on 127.0.0.1. The image's own command runs unchanged.

Checks: the build from a clean clone; READY; an ``/ask`` answer; the bot's process runs as
uid 10001; nothing written outside ``/data``; ``health`` exits 0; ``stop`` returns within
3 s with exit code 0 and no ``-wal`` left; a root-owned bind mount and an old ``.env``'s
relative ``DATABASE_PATH`` each stop the bot with one line saying what to do. Prints the
image size, the cold build time, the rebuild time after a source edit and the stop time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MARKER = "<!-- scripts/image-smoke runs the commands of the next block"
STOP_WITHIN_SECONDS = 3.0
GUILD = 1200000000000000001
# What the engine itself writes in the container: podman adds the numeric USER (which has
# no account) to /etc/passwd and /etc/group, and makes the mount point of this script's
# harness file. The bot writes nothing outside /data.
ENGINE_WRITES = {"/etc", "/etc/passwd", "/etc/group", "/opt", "/opt/harness"}
ENGINE_WRITES.add("/opt/harness/sitecustomize.py")


class Failed(Exception):
    pass


def readme_commands(readme: str) -> list[list[str]]:
    """The commands of the README's block marked for this script, comments removed."""
    try:
        after = readme.split(MARKER, 1)[1]
        block = after.split("```sh\n", 1)[1].split("```", 1)[0]
    except IndexError:
        raise Failed("README.md has no Docker block marked for scripts/image-smoke") from None
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


class Engine:
    def __init__(self, path: str, suffix: str, python_image: str | None) -> None:
        self.path = path
        self.podman = Path(path).name.startswith("podman")
        self.name = f"fanbot-smoke-{suffix}"  # image tag and container name
        self.volume = f"fanbot-smoke-data-{suffix}"
        self.python_image = python_image

    def no_healthcheck(self) -> list[str]:
        return ["--health-cmd=none"] if self.podman else ["--no-healthcheck"]

    def translate(self, argv: list[str], harness: list[str]) -> list[str]:
        """A README command, for this engine and these unique names."""
        if argv[0] != "docker":
            raise Failed(f"not a docker command in the README block: {shlex.join(argv)}")
        out = [self.path]
        for token in argv[1:]:
            if token == "fanbot":
                token = self.name
            elif token.startswith("fanbot-data:"):
                token = self.volume + token.removeprefix("fanbot-data")
            out.append(token)
        verb = argv[1]
        if verb == "build":
            extra = ["--network", "host"]
            if self.podman:
                extra += ["--format", "docker"]
            if self.python_image:
                extra += ["--build-arg", f"PYTHON_IMAGE={self.python_image}"]
            out[2:2] = extra
        elif verb == "run":
            out[2:2] = ["--network", "host", *harness]
        return out


async def run(argv: list[str], cwd: Path, check: bool = True) -> tuple[int, str]:
    """Run ``argv``; its exit code and output (stdout and stderr, minus podman's complaints
    about systemd, which it uses for health-check timers where there is one)."""
    process = await asyncio.create_subprocess_exec(
        *argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    raw, _ = await process.communicate()
    text = "\n".join(
        line
        for line in raw.decode("utf-8", "replace").splitlines()
        if "unable to get systemd connection" not in line
    )
    assert process.returncode is not None
    if check and process.returncode != 0:
        raise Failed(f"{shlex.join(argv)} exited {process.returncode}:\n{text[-3000:]}")
    return process.returncode, text


async def timed(argv: list[str], cwd: Path) -> tuple[float, str]:
    started = time.monotonic()
    _, out = await run(argv, cwd)
    return time.monotonic() - started, out


async def smoke(engine: Engine, clone: Path, work: Path) -> dict[str, str]:
    sys.path.insert(0, str(clone))
    from tests.e2e.conftest import content_of, fan, guild_spec
    from tests.fakediscord import FakeDiscord

    results: dict[str, str] = {}
    env_file = clone / ".env"  # as a user makes it: the example, with a token
    env_file.write_text(
        (clone / ".env.example")
        .read_text(encoding="utf-8")
        .replace("DISCORD_TOKEN=\n", "DISCORD_TOKEN=fake-smoke-token\n"),
        encoding="utf-8",
    )
    commands = readme_commands((clone / "README.md").read_text(encoding="utf-8"))
    boot = clone / "tests" / "fakediscord" / "boot" / "sitecustomize.py"

    async with FakeDiscord(guilds=[guild_spec(GUILD, "Smoke Test Server")]) as fake:
        harness = [
            "-e",
            f"FAKE_DISCORD_URL={fake.cdn_url}",
            "-e",
            "PYTHONPATH=/opt/harness",
            "-v",
            f"{boot}:/opt/harness/sitecustomize.py:ro",
        ]
        for argv in commands:
            command = engine.translate(argv, harness)
            verb = argv[1]
            print(f"image-smoke: $ {shlex.join(command)}", file=sys.stderr)
            if verb == "build":
                cold, _ = await timed([*command[:2], "--no-cache", *command[2:]], clone)
                results["cold build"] = f"{cold:.1f} s ({shlex.join(argv)} --no-cache)"
                with (clone / "bot" / "__init__.py").open("a", encoding="utf-8") as source:
                    source.write("# a source edit\n")
                warm, _ = await timed(command, clone)
                results["rebuild after a source edit"] = f"{warm:.1f} s"
                _, size = await run(
                    [engine.path, "image", "inspect", "--format", "{{.Size}}", engine.name], clone
                )
                results["image size"] = f"{int(size.split()[-1]) / 1e6:.0f} MB"
                _, check = await run(
                    [
                        engine.path,
                        "image",
                        "inspect",
                        "--format",
                        "{{json .Config.Healthcheck}}",
                        engine.name,
                    ],
                    clone,
                )
                if '"bot","health"' not in check.replace(" ", ""):
                    raise Failed(f"the image has no HEALTHCHECK running health: {check}")
            elif verb == "run":
                await run(command, clone)
                async with asyncio.timeout(120):
                    await fake.wait_until_ready()
                    while "Ready as " not in (await logs(engine, clone)):  # noqa: ASYNC110
                        await asyncio.sleep(0.2)
                sent = await fake.slash(
                    "ask", {"question": "who plays kate"}, guild_id=GUILD, member=fan()
                )
                answer = content_of(await sent.response())
                if "Keri Russell" not in answer:
                    raise Failed(f"/ask answered {answer!r}")
                results["/ask"] = answer.splitlines()[0][:80]
                _, status = await run(
                    [engine.path, "exec", engine.name, "cat", "/proc/1/status"], clone
                )
                uid = next(line.split()[1:] for line in status.splitlines() if line[:4] == "Uid:")
                if set(uid) != {"10001"}:
                    raise Failed(f"the bot runs as uid {uid}, not 10001")
                results["bot process uid"] = "10001"
            elif verb == "logs":
                _, out = await run(command, clone)
                if "Ready as " not in out or "\x1b[" in out:
                    raise Failed(f"logs without READY, or with colours:\n{out[-2000:]}")
            elif verb == "exec":
                _, out = await run(command, clone)
                results["health"] = out.strip().splitlines()[-1]
            elif verb == "stop":
                _, diff = await run([engine.path, "container", "diff", engine.name], clone)
                written = {line.split()[-1] for line in diff.splitlines() if line.strip()}
                outside = sorted(p for p in written - ENGINE_WRITES if not p.startswith("/data"))
                if outside:
                    raise Failed(f"the container wrote outside /data: {outside}")
                seconds, _ = await timed(command, clone)
                _, code = await run(
                    [
                        engine.path,
                        "container",
                        "inspect",
                        "--format",
                        "{{.State.ExitCode}}",
                        engine.name,
                    ],
                    clone,
                )
                if seconds > STOP_WITHIN_SECONDS or code.strip() != "0":
                    raise Failed(f"stop took {seconds:.1f} s, exit code {code.strip()}")
                results["stop"] = f"{seconds:.1f} s ({shlex.join(argv)}), exit code 0"
            else:
                await run(command, clone)
        results["/data after stop"] = await data_after_stop(engine, clone)

    results["root-owned bind mount"] = await refused(
        engine, clone, ["-v", f"{bind_mount(work)}:/data"], "/data is not writable by uid 10001"
    )
    results["old .env (DATABASE_PATH=data/fanbot.db)"] = await refused(
        engine,
        clone,
        ["-e", "DATABASE_PATH=data/fanbot.db", "-v", f"{engine.volume}:/data"],
        "/app is not writable by uid 10001",
    )
    return results


async def logs(engine: Engine, clone: Path) -> str:
    return (await run([engine.path, "logs", engine.name], clone, check=False))[1]


async def data_after_stop(engine: Engine, clone: Path) -> str:
    """What the stopped bot left on its volume: the database alone, intact."""
    probe = (
        "import json, os, sqlite3; db = sqlite3.connect('file:/data/fanbot.db?mode=ro', uri=True);"
        " print(json.dumps({'files': sorted(os.listdir('/data')),"
        " 'integrity': db.execute('PRAGMA integrity_check').fetchone()[0],"
        " 'facts': db.execute('SELECT count(*) FROM facts').fetchone()[0]}))"
    )
    _, out = await run(
        [
            engine.path,
            "run",
            "--rm",
            *engine.no_healthcheck(),
            "-v",
            f"{engine.volume}:/data",
            engine.name,
            "python",
            "-c",
            probe,
        ],
        clone,
    )
    found = json.loads(out.strip().splitlines()[-1])
    if found["files"] != ["fanbot.db"] or found["integrity"] != "ok" or not found["facts"]:
        raise Failed(f"/data after stop: {found}")
    return f"{found['files']}, integrity ok, {found['facts']} facts"


def bind_mount(work: Path) -> Path:
    folder = work / "bind-mount"
    folder.mkdir(mode=0o755)
    return folder  # owned by whoever runs this (root here), not by uid 10001


async def refused(engine: Engine, clone: Path, extra: list[str], expected: str) -> str:
    """``run`` with ``extra`` must stop at once: exit code 2, one line containing ``expected``."""
    code, out = await run(
        [
            engine.path,
            "run",
            "--rm",
            *engine.no_healthcheck(),
            "--network",
            "none",
            "--env-file",
            ".env",
            *extra,
            engine.name,
        ],
        clone,
        check=False,
    )
    lines = out.strip().splitlines()
    if code != 2 or len(lines) != 1 or expected not in lines[0]:
        raise Failed(f"expected one line with {expected!r} and exit code 2, got {code}:\n{out}")
    return f"exit 2: {lines[0]}"


async def cleanup(engine: Engine, cwd: Path) -> None:
    await run([engine.path, "rm", "-f", engine.name], cwd, check=False)
    await run([engine.path, "volume", "rm", "-f", engine.volume], cwd, check=False)
    await run([engine.path, "rmi", "-f", engine.name], cwd, check=False)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", required=True)
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--keep", action="store_true", help="keep the image, volume, container")
    args = parser.parse_args()
    engine = Engine(args.engine, str(os.getpid()), os.environ.get("PYTHON_IMAGE"))
    with tempfile.TemporaryDirectory(prefix="fanbot-image-smoke-") as tmp:
        work = Path(tmp)
        clone = work / "clone"
        await run(["git", "clone", "--quiet", str(args.repo), str(clone)], work)
        try:
            results = await smoke(engine, clone, work)
        except (Failed, TimeoutError) as error:
            print(f"image-smoke: FAILED: {error or 'timed out'}", file=sys.stderr)
            print((await logs(engine, clone))[-4000:], file=sys.stderr)
            return 1
        finally:
            if not args.keep:
                await cleanup(engine, clone)
    print(f"image-smoke: PASSED ({Path(args.engine).name})")
    for key, value in results.items():
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

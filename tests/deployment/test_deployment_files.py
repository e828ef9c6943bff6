"""The deployment files agree with the code: every setting is documented, every command exists.

Ops start the service from docker-compose.yml, the Dockerfile and the Procfile
(`make prod`), and configure it from .env.example and the README. These tests
derive what the code reads and what the CLIs offer from the code itself, so a
new variable or a renamed command cannot slip past the deployment files.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from tests.integration_fixtures import shell_environment

ROOT = Path(__file__).resolve().parents[2]
SOURCE_PACKAGES = ("moderation", "workers", "models")
# env.get("X"), os.environ.get("X"), environ["X"], os.environ.setdefault("X"), os.getenv("X")
ENV_READ = re.compile(
    r"""(?:\b(?:env|environ)\s*(?:\.get|\.setdefault|\.pop)?\s*[(\[]|\bgetenv\s*\()"""
    r"""\s*["']([A-Z][A-Z0-9_]*)["']"""
)
ENV_EXAMPLE_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
README_TABLE_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.MULTILINE)
APP_IMAGE = "comment-moderation"
# Services of third-party images: the image, and what it ships for commands and healthchecks.
IMAGE_TOOLS = {"redis": ("redis", {"redis-server", "redis-cli"}),
               "postgres": ("postgres", {"pg_isready", "postgres"}),
               "proxy": ("nginx", {"nginx", "wget"})}  # busybox wget, in the alpine image
ONE_SHOT = {"migrate"}


def variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for package in SOURCE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            names.update(ENV_READ.findall(path.read_text(encoding="utf-8")))
    return names


def variables_in_env_example() -> set[str]:
    return set(ENV_EXAMPLE_LINE.findall((ROOT / ".env.example").read_text()))


def readme_configuration_table() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return set(README_TABLE_ROW.findall(section))


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def app_services() -> dict[str, dict]:
    return {name: service for name, service in compose()["services"].items()
            if service.get("image", "").split(":")[0] == APP_IMAGE}


def words(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def healthcheck_command(service: dict) -> list[str]:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    kind, *rest = test
    if kind == "CMD-SHELL":
        # Compose turns $$ into $; the container's shell expands the rest.
        return shlex.split(os.path.expandvars(rest[0].replace("$$", "$")))
    assert kind == "CMD", test
    return rest


def procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def dockerfile_instruction(name: str) -> list[str]:
    """The JSON (exec) form of the runtime stage's CMD or HEALTHCHECK ... CMD."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line for line in text.splitlines() if line.startswith(name + " ")]
    return json.loads(lines[-1].split(" CMD ", 1)[-1] if name == "HEALTHCHECK"
                      else lines[-1][len(name):])


def python_code(command: list[str]) -> str | None:
    """The program of a ``python -c CODE`` healthcheck, else None."""
    if command[:2] == ["python", "-c"] and len(command) == 3:
        return command[2]
    return None


def app_commands() -> dict[str, list[str]]:
    """Every command line the app image or the Procfile runs, by where it comes from."""
    commands = {"Dockerfile CMD": dockerfile_instruction("CMD")}
    for name, service in app_services().items():
        commands[f"compose {name}"] = words(service["command"])
        check = healthcheck_command(service) if "test" in service["healthcheck"] else None
        if check and python_code(check) is None:
            commands[f"compose {name} healthcheck"] = check
    for name, command in procfile().items():
        commands[f"Procfile {name}"] = words(os.path.expandvars(command))
    return commands


# --- settings -------------------------------------------------------------------------------

def test_the_source_scan_finds_the_variables_we_know_of():
    assert {"DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY", "MODERATION_INSTANCE_PATH"} <= (
        variables_read_by_the_code())


def test_every_variable_the_code_reads_is_in_env_example():
    missing = variables_read_by_the_code() - variables_in_env_example()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_every_variable_the_code_reads_is_in_the_readme_configuration_table():
    missing = variables_read_by_the_code() - readme_configuration_table()
    assert not missing, f"add to README's Configuration table: {sorted(missing)}"


def test_env_example_and_readme_list_no_variable_nobody_reads():
    used_by_compose = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml")
                                     .read_text()))
    read = variables_read_by_the_code()
    assert variables_in_env_example() - read - used_by_compose == set()
    assert readme_configuration_table() - read == set()


def test_env_example_leaves_the_secrets_empty():
    """A forgotten secret must stop production with an error naming it, not run on a placeholder."""
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$",
                             (ROOT / ".env.example").read_text(), re.MULTILINE))
    for secret in ("EMAIL_ENCRYPTION_KEYS", "IDENTITY_HASH_KEY", "METRICS_TOKEN"):
        assert values[secret] == "", secret


# --- compose topology -----------------------------------------------------------------------

def test_compose_runs_the_app_services_in_production_from_env_file():
    services = app_services()
    assert set(services) == {"web", "relay", "worker", "beat", "migrate"}
    for name, service in services.items():
        assert service["env_file"] == ".env", name
        assert service["environment"]["MODERATION_ENV"] == "production", name


def test_the_app_services_wait_for_migrations_and_healthy_stores():
    for name, service in app_services().items():
        if name in ONE_SHOT:
            assert service["restart"] == "no"
            continue
        assert service["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }, name


def test_every_long_running_service_has_a_healthcheck():
    for name, service in compose()["services"].items():
        check = service.get("healthcheck", {})
        if name in ONE_SHOT:
            assert check == {"disable": True}, "a one-shot's exit status is its health"
        else:
            assert check.get("test"), f"{name} has no healthcheck"


def test_only_the_proxy_is_published_and_web_trusts_exactly_it():
    """Audit F-05: web reachable directly with a trusted hop lets any client pick its address."""
    services = compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert services["web"]["environment"]["TRUST_PROXY_HOPS"] == "1"
    assert services["proxy"]["depends_on"] == {"web": {"condition": "service_healthy"}}
    for name, service in app_services().items():
        hops = service["environment"].get("TRUST_PROXY_HOPS")
        assert name == "web" or hops is None, name


def nginx_directives(text: str) -> list[list[str]]:
    """Each directive of an nginx config as its words, comments dropped."""
    text = re.sub(r"#[^\n]*", "", text)
    return [statement.split() for statement in re.split(r"[;{}]", text) if statement.strip()]


def test_the_proxy_forwards_to_web_and_replaces_the_clients_forwarded_for():
    """web trusts the last X-Forwarded-For entry: the proxy must write the peer it saw, and
    not leave a client's own header in front of it for a wrong TRUST_PROXY_HOPS to pick."""
    (mount,) = compose()["services"]["proxy"]["volumes"]
    source, target, mode = mount.split(":")
    assert (target, mode) == ("/etc/nginx/conf.d/default.conf", "ro")
    directives = nginx_directives((ROOT / source).read_text())
    web_port = words(compose()["services"]["web"]["command"])[-1]
    assert ["server", f"web:{web_port}"] in directives
    assert ["proxy_pass", "http://web"] in directives
    assert ["proxy_set_header", "X-Forwarded-For", "$remote_addr"] in directives
    assert ["proxy_set_header", "X-Forwarded-Proto", "$scheme"] in directives
    assert not [d for d in directives if "$proxy_add_x_forwarded_for" in d]


def test_the_proxy_lets_go_of_an_idle_upstream_connection_before_the_server_does():
    """Else a request sent into a connection the server has just closed gets a 502."""
    from moderation.platform.serving import server_options

    (mount,) = compose()["services"]["proxy"]["volumes"]
    directives = nginx_directives((ROOT / mount.split(":")[0]).read_text())
    (timeout,) = [d[1] for d in directives if d[0] == "keepalive_timeout"]
    options = server_options(host="127.0.0.1", port=8000, workers=1, threads=1)
    assert int(timeout.removesuffix("s")) * 1000 < options["http1_settings"].header_read_timeout


def test_the_proxy_keeps_metrics_off_the_public_port():
    (mount,) = compose()["services"]["proxy"]["volumes"]
    text = (ROOT / mount.split(":")[0]).read_text()
    assert re.search(r"location = /metrics \{\s*return 404;", text)


def test_redis_and_postgres_keep_their_data_in_named_volumes():
    spec = compose()
    for name in ("redis", "postgres"):
        volume = spec["services"][name]["volumes"][0].split(":")[0]
        assert volume in spec["volumes"], name


# --- commands -------------------------------------------------------------------------------

# Runs each command line through its real console script with --help appended, in
# one process (the app is imported once): the CLI parses the whole line, then exits
# 0; a missing subcommand, an unknown option or an app that cannot load exits 2.
HELP_RUNNER = """
import contextlib, io, json, sys
from importlib.metadata import entry_points

results = []
for command in json.loads(sys.argv[1]):
    (script,) = entry_points(group="console_scripts", name=command[0])
    output = io.StringIO()
    sys.argv = [*command, "--help"]
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            script.load()()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    results.append([code, output.getvalue()[-2000:]])
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def help_runs(tmp_path_factory) -> dict[tuple[str, ...], tuple[int, str]]:
    """Exit code and output of each app command line with ``--help``; nothing is contacted."""
    env = shell_environment()
    env["MODERATION_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    commands = sorted({tuple(command) for command in app_commands().values()})
    result = subprocess.run([sys.executable, "-c", HELP_RUNNER, json.dumps(commands)], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    outcomes = json.loads(result.stdout.splitlines()[-1])
    return {command: tuple(outcome) for command, outcome in zip(commands, outcomes, strict=True)}


@pytest.mark.parametrize("origin", sorted(app_commands()))
def test_every_app_command_exists(origin, help_runs):
    command = app_commands()[origin]
    assert command[0] in {"moderation", "celery"}, command
    if command[0] == "celery":
        assert command[1:3] == ["-A", "workers.app"], command
        assert command[3] in {"worker", "beat", "inspect"}, command
    code, output = help_runs[tuple(command)]
    assert code == 0, f"{shlex.join(command)}:\n{output}"


def test_the_procfile_runs_the_compose_topology():
    entries = procfile()
    assert set(entries) == {"web", "relay", "worker", "beat"}
    assert entries["web"].startswith("moderation serve ")
    assert entries["relay"] == "moderation relay"
    assert entries["worker"].startswith("celery -A workers.app worker")
    assert entries["beat"].startswith("celery -A workers.app beat")


def test_python_healthchecks_compile():
    checks = [dockerfile_instruction("HEALTHCHECK")]
    checks += [healthcheck_command(service) for service in app_services().values()
               if "test" in service["healthcheck"]]
    programs = [code for code in map(python_code, checks) if code is not None]
    assert len(programs) >= 3  # the image's, web's and beat's
    for code in programs:
        compile(code, "<healthcheck>", "exec")


def test_the_image_healthchecks_the_web_service_it_starts():
    assert "/healthz" in dockerfile_instruction("HEALTHCHECK")[-1]
    assert "/readyz" in healthcheck_command(compose()["services"]["web"])[-1]


@pytest.mark.parametrize("name", sorted(IMAGE_TOOLS))
def test_third_party_services_use_their_images_own_tools(name):
    image, tools = IMAGE_TOOLS[name]
    service = compose()["services"][name]
    assert service["image"].split(":")[0] == image
    used = [healthcheck_command(service)[0]]
    if "command" in service:
        used.append(words(service["command"])[0])
    assert set(used) <= tools


# --- the image ------------------------------------------------------------------------------

def test_the_image_build_context_keeps_the_packages_and_their_data():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert ignored.isdisjoint({"models", "moderation", "workers", "pyproject.toml", "README.md",
                               "models/artifacts", "*"})
    assert {".venv", ".git", "instance", "test-artifacts", "bench"} <= ignored
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]
    assert "artifacts/*" in package_data["models"]
    assert "migrations/**/*" in package_data["moderation"]
    assert "static/**/*" in package_data["moderation"]  # message catalogs, vendored uPlot


# --- dependencies ---------------------------------------------------------------------------

def locked(name: str) -> dict[str, Version]:
    """Package → pinned version of a lock file, each pin followed by its hashes."""
    text = (ROOT / name).read_text()
    pins = re.findall(r"^([A-Za-z0-9._-]+)==(\S+) \\\n\s+--hash=sha256:[0-9a-f]{64}", text,
                      re.MULTILINE)
    assert len(pins) == len(re.findall(r"^[A-Za-z0-9._-]+==", text, re.MULTILINE)), name
    return {re.sub(r"[-_.]+", "-", package).lower(): Version(version)
            for package, version in pins}


def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"]]


def test_every_runtime_dependency_has_an_upper_bound():
    unbounded = [str(requirement) for requirement in runtime_requirements()
                 if not any(spec.operator in {"<", "<=", "==", "~="}
                            for spec in requirement.specifier)]
    assert unbounded == []


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_the_locks_pin_every_runtime_dependency_within_its_range(lock):
    pins = locked(lock)
    for requirement in runtime_requirements():
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{requirement.name} is not in {lock}: run make lock"
        assert requirement.specifier.contains(pins[name]), f"{lock}: {name} {pins[name]}"


def test_the_test_lock_adds_the_test_extra_at_the_runtime_locks_versions():
    runtime, test = locked("requirements.lock"), locked("requirements-test.lock")
    assert {name: test.get(name) for name in runtime} == runtime
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["test"]
    for requirement in map(Requirement, extra):
        assert re.sub(r"[-_.]+", "-", requirement.name).lower() in test, requirement.name


def test_the_image_and_make_install_install_from_the_locks_with_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip wheel --require-hashes --wheel-dir /wheels -r requirements.lock" in dockerfile
    assert "pip wheel --no-deps --wheel-dir /wheels ." in dockerfile
    assert "pip install --no-index --find-links=/wheels" in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    install = makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "pip install -q --require-hashes -r requirements-test.lock" in install
    assert "pip install -q --no-deps -e ." in install
    assert "requirements-test.lock" in install.splitlines()[0]  # a new lock reinstalls


# --- docker-compose config ------------------------------------------------------------------

def test_docker_compose_config_accepts_the_file_with_env_example(tmp_path):
    """Debian's docker-compose validates the file without a Docker engine."""
    binary = shutil.which("docker-compose")
    if binary is None:
        message = "docker-compose is not installed (apt-get install docker-compose)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run must install it")
        pytest.skip(message)
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        [binary, "--project-directory", str(tmp_path), "-f", str(tmp_path / "docker-compose.yml"),
         "config"],
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}, capture_output=True,
        text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "WARN" not in result.stderr.upper(), result.stderr
    resolved = yaml.safe_load(result.stdout)
    assert set(resolved["services"]) == {"proxy", "web", "relay", "worker", "beat", "migrate",
                                         "redis", "postgres"}
    web = resolved["services"]["web"]["environment"]
    assert web["MODERATION_ENV"] == "production"
    assert web["DATABASE_URL"].startswith("postgresql://")

#!/usr/bin/env python3
"""Generate a synthetic repository of Compose files and Dockerfiles for benchmarks.

The tree has N Compose files and N Dockerfiles in nested folders. It also has two folders that
dhlint's walker must skip, each with N/10 more Compose files and Dockerfiles (at least one of
each): a `vendor/` folder excluded by the root `.gitignore`, and a hidden `.cache/` folder.

The output is deterministic because each file's content depends only on the seed and the
file's index. The same arguments give a byte-identical tree, and the tree for N is a prefix of
the tree for a larger N: the 2,000 tree is the first 2,000 apps of the 20,000 tree.

Usage: generate.py N OUT_DIR [--seed SEED]

OUT_DIR must not exist or must be empty. The script prints one summary line to stdout and
writes `manifest/compose.txt` and `manifest/dockerfiles.txt`, the files dhlint lints, as paths
relative to OUT_DIR, so that other linters can be given exactly the same files.
"""

import argparse
import os
import random
import sys

DEFAULT_SEED = 20250101

IMAGES = [
    "nginx:1.27",
    "postgres:16.4",
    "redis:7.4-alpine",
    "rabbitmq:3.13-management",
    "grafana/grafana:11.2.0",
    "prom/prometheus:v2.54.1",
    "minio/minio:RELEASE.2024-09-13T20-26-02Z",
    "traefik:v3.1",
    "elasticsearch:8.15.1",
    "memcached:1.6",
]
WORDS = [
    "api", "worker", "web", "db", "cache", "queue", "proxy", "auth", "billing", "search",
    "mailer", "scheduler", "metrics", "gateway", "admin", "export", "ingest", "notify",
]
PLAIN_VARS = [
    "LOG_LEVEL", "PORT", "HOST", "TZ", "NODE_ENV", "RUST_LOG", "WORKERS", "TIMEOUT",
    "MAX_CONNECTIONS", "FEATURE_FLAGS", "REGION", "CACHE_TTL", "QUEUE_NAME", "RETRIES",
    "METRICS_PATH", "BASE_URL", "UPLOAD_DIR", "LOCALE", "SENTRY_ENVIRONMENT", "POOL_SIZE",
]
SECRET_VARS = [
    "POSTGRES_PASSWORD", "API_KEY", "SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "JWT_SECRET",
    "DB_PASSWORD", "REDIS_PASSWORD", "SMTP_PASSWORD", "GITHUB_TOKEN", "STRIPE_API_KEY",
]
BASE_IMAGES = [
    ("golang:1.22", "go build -o /out/app ./cmd/app"),
    ("node:20-bookworm", "npm ci && npm run build"),
    ("python:3.12-slim", "pip install --no-cache-dir -r requirements.txt"),
    ("rust:1.80", "cargo build --release --locked"),
    ("maven:3.9-eclipse-temurin-21", "mvn -B -q package -DskipTests"),
]
RUNTIME_IMAGES = [
    "debian:12-slim",
    "alpine:3.20",
    "gcr.io/distroless/static-debian12",
    "ubuntu:24.04",
    "python:3.12-slim",
]
COMPOSE_NAMES = [
    "compose.yaml",
    "docker-compose.yml",
    "compose.prod.yaml",
    "docker-compose.override.yml",
    "docker-compose-dev.yaml",
]
DOCKERFILE_NAMES = ["Dockerfile", "Dockerfile.prod", "app.Dockerfile", "Containerfile"]


def value_for(rng, name):
    """Return a plain environment value for `name`."""
    choices = {
        "LOG_LEVEL": ["info", "debug", "warn"],
        "NODE_ENV": ["production", "development"],
        "TZ": ["UTC", "Europe/Berlin"],
    }
    if name in choices:
        return rng.choice(choices[name])
    if name in ("PORT", "WORKERS", "TIMEOUT", "MAX_CONNECTIONS", "RETRIES", "POOL_SIZE"):
        return str(rng.randrange(1, 9000))
    if name == "BASE_URL":
        return f"https://{rng.choice(WORDS)}.example.internal:{rng.randrange(1000, 9000)}"
    return f"{rng.choice(WORDS)}-{rng.randrange(100)}"


def secret_value(rng, name):
    """Return a value for a secret variable: a literal, a reference or a default."""
    kind = rng.randrange(4)
    if kind == 0:
        return f"s3cr3t-{rng.randrange(10**8):08d}"
    if kind == 1:
        return "${" + name + "}"
    if kind == 2:
        return "${" + name + ":?" + name + " must be set}"
    return "${" + name + ":-changeme}"


def environment(rng, lines, indent, count):
    """Append an `environment` block in mapping or list form, with a few secrets."""
    pad = " " * indent
    names = rng.sample(PLAIN_VARS, min(count, len(PLAIN_VARS)))
    names += [f"EXTRA_SETTING_{k}" for k in range(count - len(names))]
    names += rng.sample(SECRET_VARS, rng.randrange(0, 3))
    list_form = rng.random() < 0.5
    lines.append(f"{pad}environment:")
    for name in names:
        value = secret_value(rng, name) if name in SECRET_VARS else value_for(rng, name)
        if list_form:
            quote = '"' if rng.random() < 0.3 else ""
            lines.append(f"{pad}  - {quote}{name}={value}{quote}")
        elif value.startswith("$") or rng.random() < 0.3:
            lines.append(f'{pad}  {name}: "{value}"')
        else:
            lines.append(f"{pad}  {name}: {value}")
        if rng.random() < 0.08:
            lines.append(f"{pad}  # {name.lower()} is read at start-up")


def deploy_limits(rng, lines, indent):
    """Append a `deploy.resources.limits` block."""
    pad = " " * indent
    lines.append(f"{pad}deploy:")
    lines.append(f"{pad}  replicas: {rng.randrange(1, 4)}")
    lines.append(f"{pad}  resources:")
    lines.append(f"{pad}    limits:")
    lines.append(f"{pad}      cpus: '{rng.choice(['0.25', '0.5', '1.0', '2'])}'")
    lines.append(f"{pad}      memory: {rng.choice(['128M', '256M', '512M', '1G'])}")
    if rng.random() < 0.5:
        lines.append(f"{pad}      pids: {rng.choice([50, 100, 200])}")
    if rng.random() < 0.5:
        lines.append(f"{pad}    reservations:")
        lines.append(f"{pad}      memory: 64M")


def service(rng, lines, name, anchors, index):
    """Append one service under `services:`."""
    lines.append(f"  {name}:")
    if anchors and rng.random() < 0.7:
        lines.append(f"    <<: *{rng.choice(anchors)}")
    if rng.random() < 0.5:
        lines.append(f"    image: {rng.choice(IMAGES)}")
    else:
        lines.append("    build:")
        lines.append(f"      context: ./{name}")
        lines.append("      dockerfile: Dockerfile")
        if rng.random() < 0.4:
            lines.append("      args:")
            lines.append(f"        VERSION: \"1.{rng.randrange(30)}.{rng.randrange(10)}\"")
            if rng.random() < 0.3:
                lines.append(f"        NPM_TOKEN: npm_{rng.randrange(10**12):012d}")

    if rng.random() < 0.6:
        lines.append(f"    container_name: {name}-{index}")

    style = rng.randrange(3)
    if style == 0:
        lines.append(f'    ports: ["{rng.randrange(1024, 9999)}:80", "127.0.0.1:9{index % 1000:03d}:9000"]')
    elif style == 1:
        lines.append("    ports:")
        lines.append(f'      - "{rng.randrange(1024, 9999)}:8080"  # public')

    if rng.random() < 0.7:
        environment(rng, lines, 4, rng.choice([3, 5, 8, 12, 20, 30]))
    if rng.random() < 0.5:
        deploy_limits(rng, lines, 4)
    elif rng.random() < 0.3:
        lines.append(f"    mem_limit: {rng.choice(['256m', '512m'])}")
        lines.append(f"    pids_limit: {rng.choice([64, 128])}")

    hardening = rng.random()
    if hardening < 0.3:
        lines.append("    read_only: true")
        lines.append("    cap_drop: [ALL]")
        lines.append("    security_opt:")
        lines.append("      - no-new-privileges:true")
        lines.append('    user: "10001:10001"')
    elif hardening < 0.5:
        lines.append("    cap_drop:")
        lines.append("      - NET_RAW")
        lines.append("    user: root")

    if rng.random() < 0.5:
        lines.append("    healthcheck:")
        lines.append('      test: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/health"]')
        lines.append("      interval: 30s")
        lines.append("      retries: 3")
    if rng.random() < 0.5:
        lines.append(f"    volumes: [{name}-data:/var/lib/{name}, ./config:/etc/{name}:ro]")
    if rng.random() < 0.4:
        lines.append("    labels:")
        lines.append(f"      com.example.team: team-{index % 20:02d}")
        lines.append(f'      com.example.description: "The {name} service"')
    if rng.random() < 0.3:
        lines.append(f"    command: [\"--port\", \"{rng.randrange(1024, 9999)}\", \"--verbose\"]")
    if rng.random() < 0.3:
        lines.append("    logging: {driver: json-file, options: {max-size: 10m, max-file: '3'}}")
    lines.append("")


def compose_file(seed, index):
    """Return the text of Compose file number `index`."""
    rng = random.Random(f"{seed}:compose:{index}")
    lines = [f"# Services of app {index}: generated for dhlint benchmarks."]
    if rng.random() < 0.3:
        lines.append('version: "3.8"')
    lines.append(f"name: app-{index}")
    lines.append("")

    anchors = []
    if rng.random() < 0.6:
        anchors.append("common")
        lines.append("x-common: &common")
        lines.append("  restart: unless-stopped")
        if rng.random() < 0.5:
            lines.append("  read_only: true")
            lines.append("  cap_drop: [ALL]")
        lines.append("  networks: [backend]")
        lines.append("")
    if rng.random() < 0.4:
        anchors.append("limited")
        lines.append("x-limited: &limited")
        deploy_limits(rng, lines, 2)
        lines.append("  security_opt: [no-new-privileges:true]")
        lines.append("")

    lines.append("services:")
    count = rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8])
    names = rng.sample(WORDS, count)
    for name in names:
        service(rng, lines, name, anchors, index)
    if rng.random() < 0.5:
        lines.append("  # A service written in flow style.")
        lines.append(
            f"  sidecar: {{image: busybox:1.36, command: [sleep, infinity], "
            f"environment: {{MODE: sidecar, {rng.choice(SECRET_VARS)}: literal-{index}}}}}"
        )
        lines.append("")

    lines.append("networks:")
    lines.append("  backend: {}")
    lines.append("volumes:")
    for name in names:
        lines.append(f"  {name}-data:")
    return "\n".join(lines) + "\n"


def run_block(rng, lines):
    """Append a `RUN` with continuations and comment lines inside them."""
    lines.append("RUN set -eux; \\")
    lines.append("    apt-get update \\")
    if rng.random() < 0.5:
        lines.append("    # curl is only needed for the health check")
    packages = " ".join(rng.sample(["curl", "ca-certificates", "tini", "git", "jq", "unzip", "tzdata"], 3))
    lines.append(f"    && apt-get install -y --no-install-recommends {packages} \\")
    lines.append("    && rm -rf /var/lib/apt/lists/*")


def heredoc_block(rng, lines, index):
    """Append a `RUN` heredoc and sometimes a `COPY` heredoc."""
    lines.append("RUN <<EOF")
    lines.append("set -eu")
    lines.append(f"install -d -m 0755 /var/lib/app{index}")
    lines.append(f"echo 'built for app {index}' > /etc/app-release")
    lines.append("EOF")
    if rng.random() < 0.5:
        lines.append("")
    if rng.random() < 0.3:
        lines.append("COPY <<-\"CONFIG\" /etc/app/config.ini")
        lines.append("\t[server]")
        lines.append(f"\tport = {rng.randrange(1024, 9999)}")
        lines.append("\tbanner = ${NOT_EXPANDED}")
        lines.append("\tCONFIG")


def dockerfile(seed, index):
    """Return the text of Dockerfile number `index`."""
    rng = random.Random(f"{seed}:dockerfile:{index}")
    lines = []
    if rng.random() < 0.6:
        lines.append("# syntax=docker/dockerfile:1.7")
    lines.append(f"# Image for app {index}: generated for dhlint benchmarks.")
    lines.append("ARG VERSION=1.0.0")

    stages = rng.choice([1, 2, 2, 3, 4])
    for stage in range(stages - 1):
        image, build = rng.choice(BASE_IMAGES)
        lines.append("")
        lines.append(f"FROM {image} AS stage{stage}")
        lines.append("WORKDIR /src")
        lines.append("COPY . .")
        if rng.random() < 0.5:
            lines.append(f"RUN --mount=type=cache,target=/root/.cache {build}")
        else:
            lines.append(f"RUN {build}")
        if rng.random() < 0.15:
            heredoc_block(rng, lines, index)

    lines.append("")
    runtime = rng.choice(RUNTIME_IMAGES)
    lines.append(f"FROM {runtime}")
    lines.append("ARG VERSION")
    lines.append(f'LABEL org.opencontainers.image.title="app-{index}" \\')
    lines.append('      org.opencontainers.image.version="${VERSION}"')
    if "distroless" not in runtime:
        run_block(rng, lines)
        if rng.random() < 0.2:
            heredoc_block(rng, lines, index)

    env = [f"{name}={value_for(rng, name)}" for name in rng.sample(PLAIN_VARS, rng.randrange(1, 6))]
    if rng.random() < 0.25:
        env.append(f"{rng.choice(SECRET_VARS)}=literal-{index}")
    lines.append("ENV " + " \\\n    ".join(env))
    if stages > 1:
        lines.append(f"COPY --from=stage{stages - 2} /out/ /usr/local/bin/")
    lines.append(f"EXPOSE {rng.randrange(1024, 9999)}")

    user = rng.random()
    if user < 0.5:
        lines.append("USER 10001:10001")
    elif user < 0.7:
        lines.append("USER root")
    lines.append('HEALTHCHECK --interval=30s CMD ["/usr/local/bin/app", "health"]')
    lines.append('ENTRYPOINT ["/usr/local/bin/app"]')
    lines.append(f'CMD ["--port", "{rng.randrange(1024, 9999)}"]')
    return "\n".join(lines) + "\n"


def app_dir(index):
    """Return the folder of app `index`, nested by team and group."""
    return os.path.join("src", f"team-{index % 20:02d}", f"group-{index // 50:04d}", f"app-{index:05d}")


def write(root, relative, text):
    path = os.path.join(root, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)
    return len(text.encode("utf-8"))


def generate(count, root, seed):
    """Write the tree and return (compose paths, Dockerfile paths, bytes, skipped files)."""
    composes, dockerfiles, total = [], [], 0
    total += write(root, ".gitignore", "# Third-party code is not ours to lint.\nvendor/\n")
    for index in range(count):
        base = app_dir(index)
        compose_dir = os.path.join(base, "deploy") if index % 3 == 0 else base
        compose_path = os.path.join(compose_dir, COMPOSE_NAMES[index % len(COMPOSE_NAMES)])
        docker_path = os.path.join(base, DOCKERFILE_NAMES[index % len(DOCKERFILE_NAMES)])
        total += write(root, compose_path, compose_file(seed, index))
        total += write(root, docker_path, dockerfile(seed, index))
        composes.append(compose_path)
        dockerfiles.append(docker_path)
        if index % 50 == 0:
            readme = os.path.join(os.path.dirname(base), "README.md")
            total += write(root, readme, f"# Group {index // 50}\n\nApps of this group.\n")
    skipped = 0
    for folder in ("vendor", ".cache"):
        for index in range(max(1, count // 10)):
            base = os.path.join(folder, f"pkg-{index // 50:04d}", f"lib-{index:05d}")
            total += write(root, os.path.join(base, "docker-compose.yml"), compose_file(seed, -1 - index))
            total += write(root, os.path.join(base, "Dockerfile"), dockerfile(seed, -1 - index))
            skipped += 2
    composes.sort()
    dockerfiles.sort()
    write(root, os.path.join("manifest", "compose.txt"), "".join(p + "\n" for p in composes))
    write(root, os.path.join("manifest", "dockerfiles.txt"), "".join(p + "\n" for p in dockerfiles))
    return composes, dockerfiles, total, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of Compose files, and of Dockerfiles")
    parser.add_argument("out_dir", help="folder to create; must not exist or be empty")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args()
    if args.count < 1:
        parser.error(f"count must be at least 1, got {args.count}")
    if os.path.exists(args.out_dir) and os.listdir(args.out_dir):
        parser.error(f"{args.out_dir} exists and is not empty; remove it or name another folder")
    composes, dockerfiles, total, skipped = generate(args.count, args.out_dir, args.seed)
    print(
        f"{args.out_dir}: {len(composes)} Compose files, {len(dockerfiles)} Dockerfiles, "
        f"{skipped} files in ignored folders, {total} bytes in all"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

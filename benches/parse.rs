//! Micro-benchmarks of parsing and linting one file, per kind and size.
//!
//! Run with `cargo bench --bench parse`. Each input is measured twice: parsing alone
//! (`compose/parse`, `dockerfile/parse`), and parsing plus every rule as `dhlint` runs them on
//! a file (`compose/lint`, `dockerfile/lint`, through [`lint_text`]). Throughput is in bytes of
//! input. The inputs are the demo project's files from `fixtures/demo` and larger files built
//! here in the style of `benches/generate.py`.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dhlint::compose::ComposeFile;
use dhlint::discovery::FileKind;
use dhlint::lint::lint_text;

const DEMO_COMPOSE: &str = include_str!("../fixtures/demo/compose.yaml");
const DEMO_DOCKERFILE: &str = include_str!("../fixtures/demo/api/Dockerfile");

/// Builds a Compose file with `services` services that merge shared anchors, set long
/// environment lists in both forms, resource limits, flow-style values and comments.
fn compose_text(services: usize) -> String {
    let mut text = String::from(
        "# Generated for benchmarks.\nname: bench\n\n\
         x-common: &common\n  restart: unless-stopped\n  read_only: true\n  cap_drop: [ALL]\n\n\
         x-limited: &limited\n  deploy:\n    resources:\n      limits:\n        cpus: '0.5'\n\
         \x20       memory: 256M\n  security_opt: [no-new-privileges:true]\n\nservices:\n",
    );
    for index in 0..services {
        let anchor = if index % 2 == 0 { "common" } else { "limited" };
        let _ = write!(
            text,
            "  service{index}:\n    <<: *{anchor}\n    image: registry.example/app{index}:1.{index}\n\
             \x20   ports: [\"{port}:80\"]  # public\n    environment:\n",
            port = 8000 + index
        );
        let list_form = index % 3 == 0;
        for variable in 0..20 {
            if list_form {
                let _ = writeln!(text, "      - SETTING_{variable}=value-{variable}");
            } else {
                let _ = writeln!(text, "      SETTING_{variable}: \"value-{variable}\"");
            }
        }
        if index % 4 == 0 && list_form {
            text.push_str("      - DB_PASSWORD=s3cr3t-literal\n");
        } else if index % 4 == 0 {
            text.push_str("      DB_PASSWORD: s3cr3t-literal\n");
        }
        text.push_str(
            "    deploy:\n      resources:\n        limits:\n          memory: 512M\n\
             \x20         pids: 100\n    healthcheck:\n\
             \x20     test: [\"CMD\", \"wget\", \"-qO-\", \"http://127.0.0.1:8080/health\"]\n\
             \x20   logging: {driver: json-file, options: {max-size: 10m}}\n\n",
        );
    }
    text
}

/// Builds a Dockerfile with `stages` build stages, each with a continued `RUN` holding
/// comment lines and a heredoc, then a final stage that runs as a non-root user.
fn dockerfile_text(stages: usize) -> String {
    let mut text = String::from("# syntax=docker/dockerfile:1.7\nARG VERSION=1.0.0\n");
    for stage in 0..stages {
        let _ = write!(
            text,
            "\nFROM golang:1.22 AS stage{stage}\nWORKDIR /src\nCOPY . .\n\
             RUN set -eux; \\\n    apt-get update \\\n    # git fetches private modules\n\
             \x20   && apt-get install -y --no-install-recommends git ca-certificates \\\n\
             \x20   && rm -rf /var/lib/apt/lists/*\n\
             RUN <<EOF\nset -eu\ngo build -o /out/app{stage} ./cmd/app{stage}\nEOF\n\n\
             ENV MODE=build \\\n    STAGE={stage}\n"
        );
    }
    text.push_str(
        "\nFROM debian:12-slim\nCOPY --from=stage0 /out/ /usr/local/bin/\n\
         ENV API_TOKEN=literal-token\nUSER 10001:10001\n\
         ENTRYPOINT [\"/usr/local/bin/app0\"]\n",
    );
    text
}

fn bench_compose(c: &mut Criterion) {
    let inputs = [
        ("demo", DEMO_COMPOSE.to_owned()),
        ("services-10", compose_text(10)),
        ("services-100", compose_text(100)),
    ];
    let mut group = c.benchmark_group("compose");
    for (name, text) in &inputs {
        assert!(
            ComposeFile::parse(text).is_ok(),
            "the {name} Compose input must parse"
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", name), text, |b, text| {
            b.iter(|| ComposeFile::parse(black_box(text)).is_ok());
        });
        group.bench_with_input(BenchmarkId::new("lint", name), text, |b, text| {
            b.iter(|| lint_text(FileKind::Compose, black_box(text)));
        });
    }
    group.finish();
}

fn bench_dockerfile(c: &mut Criterion) {
    let inputs = [
        ("demo-api", DEMO_DOCKERFILE.to_owned()),
        ("stages-4", dockerfile_text(4)),
        ("stages-32", dockerfile_text(32)),
    ];
    let mut group = c.benchmark_group("dockerfile");
    for (name, text) in &inputs {
        assert!(
            dhlint::dockerfile::parse(text).is_ok(),
            "the {name} Dockerfile input must parse"
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", name), text, |b, text| {
            b.iter(|| dhlint::dockerfile::parse(black_box(text)).is_ok());
        });
        group.bench_with_input(BenchmarkId::new("lint", name), text, |b, text| {
            b.iter(|| lint_text(FileKind::Dockerfile, black_box(text)));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_compose, bench_dockerfile);
criterion_main!(benches);

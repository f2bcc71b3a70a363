"""deploy/: every file parses and keeps the invariants the operations guide promises.

Docker and a cluster are not available where the tests run; these checks are what can be
verified without them (docs/operations.md says so).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from yamllint import linter
from yamllint.config import YamlLintConfig

from haken.platform.metrics import exported_metric_names

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
K8S = DEPLOY / "k8s"
YAML_FILES = sorted([*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")])
LINT = YamlLintConfig(
    "extends: default\nrules:\n  line-length: {max: 140}\n  document-start: disable\n"
    "  truthy: {check-keys: false}\n  comments: {min-spaces-from-content: 1}\n"
)
PROMETHEUS_BUILTINS = {"up"}
PROMQL_WORDS = {
    "sum",
    "rate",
    "increase",
    "by",
    "clamp_min",
    "histogram_quantile",
    "max",
    "topk",
    "time",
    "le",
    "irate",
    "avg",
    "min",
    "count",
    "without",
    "on",
    "ignoring",
    "and",
    "or",
    "unless",
}


def docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def k8s_objects() -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for path in sorted(K8S.rglob("*.yaml")):
        for doc in docs(path):
            if doc["kind"] == "Kustomization":
                continue
            key = (doc["kind"], f"{path.relative_to(K8S)}:{doc['metadata']['name']}")
            found[key] = doc
    return found


def deployments() -> dict[str, dict[str, Any]]:
    return {name: d for (kind, name), d in k8s_objects().items() if kind == "Deployment"}


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(DEPLOY)))
def test_yaml_is_lint_clean(path: Path) -> None:
    problems = list(linter.run(path.read_text(encoding="utf-8"), LINT, str(path)))
    assert problems == [], "\n".join(f"{p.line}:{p.column} {p.message}" for p in problems)


def test_kubernetes_manifests_match_the_api_schemas() -> None:
    checked = 0
    for path in sorted(K8S.rglob("*.yaml")):
        for doc in docs(path):
            if doc["kind"] == "Kustomization":
                continue
            kubernetes_validate.validate(doc, "1.30.0", strict=True)
            checked += 1
    assert checked >= 12


def test_kustomizations_list_existing_files() -> None:
    for path in K8S.rglob("kustomization.yaml"):
        for resource in docs(path)[0]["resources"]:
            assert (path.parent / resource).is_file(), f"{path}: {resource}"


@pytest.mark.parametrize("name", sorted(n for n in deployments() if "api" in n))
def test_api_probes_hit_ready_and_health(name: str) -> None:
    pod = deployments()[name]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/api/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/api/health"
    assert container["lifecycle"]["preStop"]["sleep"]["seconds"] >= 1
    # The grace period covers preStop + request drain + job drain (30 s each by default).
    assert pod["terminationGracePeriodSeconds"] >= 65


@pytest.mark.parametrize("name", sorted(deployments()))
def test_every_deployment_runs_non_root_read_only_and_rolls_without_loss(name: str) -> None:
    spec = deployments()[name]["spec"]
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    for container in pod["containers"]:
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert "livenessProbe" in container and "readinessProbe" in container
        assert "memory" in container["resources"]["limits"]
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert pod["containers"][0]["image"].split(":")[-1] != "latest"


def test_migration_job_hpa_and_pdb_target_real_workloads() -> None:
    objects = k8s_objects()
    kinds = {kind for kind, _ in objects}
    assert {"Job", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"} <= kinds
    [job] = [d for (k, _), d in objects.items() if k == "Job"]
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["db", "upgrade"]
    names = {d["metadata"]["name"] for d in deployments().values()}
    for (kind, _), doc in objects.items():
        if kind == "HorizontalPodAutoscaler":
            assert doc["spec"]["scaleTargetRef"]["name"] in names
    selectors = [
        d["spec"]["selector"]["matchLabels"]
        for (k, _), d in objects.items()
        if k == "PodDisruptionBudget"
    ]
    pod_labels = [d["spec"]["template"]["metadata"]["labels"] for d in deployments().values()]
    for selector in selectors:
        assert any(selector.items() <= labels.items() for labels in pod_labels)


def test_blue_green_service_switches_between_two_deployments_by_label() -> None:
    blue = docs(K8S / "blue-green" / "api-blue.yaml")[0]
    green = docs(K8S / "blue-green" / "api-green.yaml")[0]
    service = docs(K8S / "blue-green" / "service.yaml")[0]
    selector = service["spec"]["selector"]
    color_key = "haken.example.jp/color"
    assert selector[color_key] == "blue"

    def selects(deployment: dict[str, Any], chosen: dict[str, str]) -> bool:
        return chosen.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()

    assert selects(blue, selector) and not selects(green, selector)
    switched = {**selector, color_key: "green"}
    assert selects(green, switched) and not selects(blue, switched)
    assert blue["metadata"]["name"] != green["metadata"]["name"]
    images = {d["spec"]["template"]["spec"]["containers"][0]["image"] for d in (blue, green)}
    assert len(images) == 2  # the two colours run different releases


def test_dockerfile_is_multi_stage_and_runs_as_non_root() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", text, flags=re.MULTILINE)
    assert len(stages) >= 3 and stages[-1] == "runtime"
    runtime = text.split("AS runtime", 1)[1]
    users = re.findall(r"^USER\s+(\S+)", runtime, flags=re.MULTILINE)
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    assert "gcc" not in runtime and "build-essential" not in runtime
    assert "COPY --from=build /opt/haken /opt/haken" in runtime


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(
        Path(__file__).resolve().parents[3] / ".venv/bin/hadolint"
    )
    result = subprocess.run(
        [hadolint, "--no-color", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_every_service_and_migrates_first() -> None:
    compose = docs(DEPLOY / "compose.yaml")[0]
    services = compose["services"]
    assert {"api", "worker", "postgres", "redis", "prometheus", "grafana", "migrate"} <= set(
        services
    )
    assert services["migrate"]["command"] == ["db", "upgrade"]
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    assert services["worker"]["command"] == ["worker"]


def test_compose_matches_the_compose_specification() -> None:
    from check_jsonschema.cli.main_command import main

    with pytest.raises(SystemExit) as exited:
        main(["--builtin-schema", "vendor.compose-spec", str(DEPLOY / "compose.yaml")])
    assert exited.value.code == 0


def _metric_names(expression: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', '""', expression)
    without_labels = re.sub(r"\{[^}]*\}", "", without_strings)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
    without_groupings = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", without_ranges)
    without_groupings = re.sub(r"\b\d+(\.\d+)?(e-?\d+)?\b", "", without_groupings)
    tokens = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_groupings))
    return {t for t in tokens if t not in PROMQL_WORDS and not t.startswith("$")}


def test_alert_rules_cover_every_promised_alert_with_known_metrics() -> None:
    groups = docs(DEPLOY / "prometheus" / "alerts.yml")[0]["groups"]
    rules = {rule["alert"]: rule for group in groups for rule in group["rules"]}
    promised = {
        "HakenHighErrorRate",
        "HakenHighLatency",
        "HakenCacheDegraded",
        "HakenJobQueueBacklog",
        "HakenJobFailures",
    }
    assert promised <= set(rules)
    known = exported_metric_names() | PROMETHEUS_BUILTINS
    operations = (DEPLOY.parent / "docs" / "operations.md").read_text(encoding="utf-8")
    for name, rule in rules.items():
        unknown = _metric_names(rule["expr"]) - known
        assert not unknown, f"{name} uses metrics haken does not export: {unknown}"
        anchor = rule["annotations"]["runbook"].split("#", 1)[1]
        assert f'<a id="{anchor}"></a>' in operations, f"{name}: runbook {anchor} missing"


def test_dashboard_queries_use_only_exported_metrics() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "haken-dashboard.json").read_text("utf-8"))
    known = exported_metric_names() | PROMETHEUS_BUILTINS
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert len(expressions) >= 14
    used: set[str] = set()
    for expression in expressions:
        names = _metric_names(expression)
        assert names - known == set(), expression
        used |= names
    # Every family the issue asks for is on the dashboard.
    for family in (
        "http_requests",
        "db_pool",
        "cache_hits",
        "cache_degraded",
        "ratelimit",
        "jobs_queued",
        "jobs_running",
        "job_duration",
        "jobs_failures",
    ):
        assert any(family in name for name in used), family
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])


def test_scrape_configs_send_the_token_and_hit_metrics() -> None:
    for path in (
        DEPLOY / "prometheus" / "prometheus.yml",
        DEPLOY / "prometheus" / "kubernetes-scrape.yml",
    ):
        for job in docs(path)[0]["scrape_configs"]:
            assert job["metrics_path"] == "/metrics"
            assert job["authorization"]["credentials_file"]


def test_every_setting_is_documented_in_the_operations_guide() -> None:
    from haken.config import Settings

    text = (DEPLOY.parent / "docs" / "operations.md").read_text(encoding="utf-8")
    missing = [
        f"HAKEN_{name.upper()}"
        for name in Settings.model_fields
        if f"`HAKEN_{name.upper()}`" not in text
    ]
    assert missing == [], f"document these in docs/operations.md: {missing}"

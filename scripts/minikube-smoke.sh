#!/usr/bin/env bash
# Smoke test of the Todo Chatbot on a Minikube (or any) cluster: deploy the synthesized output, wait
# for the rollout, call /health and / through port-forwards, run `helm test` for a Helm install, and
# explain any failure with events, pod status and logs.
#
#   scripts/minikube-smoke.sh --raw            # kubectl apply -f dist/
#   scripts/minikube-smoke.sh --helm           # helm upgrade --install from dist/todo-chatbot-*.tgz
#   scripts/minikube-smoke.sh --helm --dry-run # print every command instead of running it
#   scripts/minikube-smoke.sh --raw --skip-http # everything but the HTTP checks (a cluster without kubelet)
#
# It expects the images built inside Minikube (see README) and the Secret created (it checks for it).
# CI runs it with --skip-http against a real control plane whose kubelet is kwok (npm run test:cluster):
# there, pods turn Ready but no container runs, so nothing answers HTTP. On a real node (npm run
# test:node) it runs whole, its HTTP checks included.
set -euo pipefail

MODE=""
DRY_RUN=false
SKIP_HTTP=false
RELEASE="todo-chatbot"
NAMESPACE="todo-chatbot"
TIMEOUT="180s"
HELM_VALUES=()
BACKEND_LOCAL_PORT=18000
FRONTEND_LOCAL_PORT=18080
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="$ROOT/dist"

usage() {
  cat <<EOF
Usage: $0 (--raw | --helm) [--dry-run] [--release NAME] [--namespace NAME] [--timeout 180s]

  --raw          deploy dist/*.yaml with kubectl apply (run npm run synth first)
  --helm         deploy dist/todo-chatbot-*.tgz with helm upgrade --install, then helm test
  --dry-run      print the commands of the whole flow without running them
  --skip-http    skip only the HTTP checks (port-forward + curl), for a cluster where no container runs
  --release      release name, the resource name prefix (default: $RELEASE)
  --namespace    namespace (default: $NAMESPACE)
  --timeout      how long to wait for each rollout (default: $TIMEOUT)
  --dist         the folder npm run synth wrote (default: $DIST)
  --values FILE  with --helm: a values file for helm upgrade --install; may be given more than once
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --raw) MODE=raw ;;
    --helm) MODE=helm ;;
    --dry-run) DRY_RUN=true ;;
    --skip-http) SKIP_HTTP=true ;;
    --release) RELEASE="$2"; shift ;;
    --namespace) NAMESPACE="$2"; shift ;;
    --timeout) TIMEOUT="$2"; shift ;;
    --dist) DIST="$2"; shift ;;
    --values) HELM_VALUES+=(-f "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$MODE" ]; then
  echo "error: choose --raw or --helm" >&2
  usage >&2
  exit 2
fi

BACKEND="$RELEASE-backend"
FRONTEND="$RELEASE-frontend"
SECRET="$RELEASE-secrets"
PORT_FORWARD_PIDS=()

# Prints a command; runs it unless --dry-run.
run() {
  echo "+ $*"
  if [ "$DRY_RUN" = false ]; then
    "$@"
  fi
}

cleanup() {
  for pid in "${PORT_FORWARD_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# On failure: what Kubernetes says about the release, so the cause is on screen.
explain_failure() {
  echo "--- smoke test FAILED: $1" >&2
  if [ "$DRY_RUN" = true ]; then
    return
  fi
  echo "--- pods" >&2
  kubectl get pods -n "$NAMESPACE" -l "app.kubernetes.io/instance=$RELEASE" -o wide >&2 || true
  echo "--- recent events" >&2
  kubectl get events -n "$NAMESPACE" --sort-by=.lastTimestamp 2>/dev/null | tail -n 25 >&2 || true
  for component in backend frontend; do
    echo "--- describe $component pods" >&2
    kubectl describe pods -n "$NAMESPACE" -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=$component" 2>/dev/null | tail -n 40 >&2 || true
    echo "--- logs of $component (current and previous)" >&2
    kubectl logs -n "$NAMESPACE" "deployment/$RELEASE-$component" --tail=50 --all-containers >&2 || true
    kubectl logs -n "$NAMESPACE" "deployment/$RELEASE-$component" --tail=50 --previous >&2 2>/dev/null || true
  done
  if [ "$MODE" = helm ]; then
    echo "--- logs of the helm test pods" >&2
    kubectl logs -n "$NAMESPACE" -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=test" --tail=20 >&2 2>/dev/null || true
  fi
  echo "See docs/troubleshooting.md for the usual causes." >&2
  exit 1
}

check_tools() {
  local tools=(kubectl)
  if [ "$SKIP_HTTP" = false ]; then
    tools+=(curl)
  fi
  if [ "$MODE" = helm ]; then
    tools+=(helm)
  fi
  for tool in "${tools[@]}"; do
    echo "+ command -v $tool"
    if [ "$DRY_RUN" = false ] && ! command -v "$tool" >/dev/null 2>&1; then
      echo "error: $tool is not installed" >&2
      exit 1
    fi
  done
  if [ "$DRY_RUN" = false ] && ! kubectl cluster-info >/dev/null 2>&1; then
    echo "error: no cluster reachable; run 'minikube start' first" >&2
    exit 1
  fi
}

check_secret() {
  echo "+ kubectl get secret $SECRET -n $NAMESPACE"
  if [ "$DRY_RUN" = false ] && ! kubectl get secret "$SECRET" -n "$NAMESPACE" >/dev/null 2>&1; then
    cat >&2 <<EOF
error: Secret $SECRET is missing in namespace $NAMESPACE. Create it, then run this again:
  kubectl create secret generic $SECRET -n $NAMESPACE \\
    --from-literal=DATABASE_URL='postgresql://USER:PASSWORD@HOST/DB?sslmode=require' \\
    --from-literal=OPENAI_API_KEY='sk-...' \\
    --from-literal=BETTER_AUTH_SECRET="\$(openssl rand -base64 32)"
EOF
    exit 1
  fi
}

deploy() {
  if [ "$MODE" = raw ]; then
    run kubectl apply -f "$DIST/00-namespace.yaml"
    check_secret
    run kubectl apply -f "$DIST/"
  else
    local charts=("$DIST"/todo-chatbot-*.tgz)
    # Created only when missing: README has you create it with kubectl create, and applying over that warns.
    echo "+ kubectl get namespace $NAMESPACE || kubectl create namespace $NAMESPACE"
    if [ "$DRY_RUN" = false ] && ! kubectl get namespace "$NAMESPACE" >/dev/null 2>&1; then
      kubectl create namespace "$NAMESPACE"
    fi
    run kubectl label namespace "$NAMESPACE" pod-security.kubernetes.io/enforce=restricted --overwrite
    check_secret
    run helm upgrade --install "$RELEASE" "${charts[0]}" -n "$NAMESPACE" "${HELM_VALUES[@]}" --wait --timeout "$TIMEOUT"
  fi
}

wait_for_rollout() {
  for deployment in "$BACKEND" "$FRONTEND"; do
    run kubectl rollout status "deployment/$deployment" -n "$NAMESPACE" --timeout="$TIMEOUT" || explain_failure "deployment $deployment did not become ready within $TIMEOUT"
  done
}

# Checks an HTTP endpoint of a Service through a port-forward.
check_endpoint() {
  local service=$1 local_port=$2 service_port=$3 path=$4 expect=$5
  echo "+ kubectl port-forward service/$service $local_port:$service_port -n $NAMESPACE &"
  if [ "$DRY_RUN" = false ]; then
    kubectl port-forward "service/$service" "$local_port:$service_port" -n "$NAMESPACE" >/dev/null 2>&1 &
    PORT_FORWARD_PIDS+=("$!")
    sleep 2
  fi
  echo "+ curl -fsS --max-time 10 http://127.0.0.1:$local_port$path"
  if [ "$DRY_RUN" = false ]; then
    local body
    body=$(curl -fsS --max-time 10 "http://127.0.0.1:$local_port$path") || explain_failure "GET $path on $service failed"
    if [ -n "$expect" ] && [[ "$body" != *"$expect"* ]]; then
      explain_failure "GET $path on $service answered '$body', expected it to contain '$expect'"
    fi
    echo "ok: GET $path on $service"
  fi
}

service_port() {
  if [ "$DRY_RUN" = true ]; then
    echo "$2"
  else
    kubectl get service "$1" -n "$NAMESPACE" -o jsonpath='{.spec.ports[0].port}'
  fi
}

check_tools
deploy
wait_for_rollout
if [ "$SKIP_HTTP" = false ]; then
  check_endpoint "$BACKEND" "$BACKEND_LOCAL_PORT" "$(service_port "$BACKEND" 8000)" /health '"healthy"'
  check_endpoint "$FRONTEND" "$FRONTEND_LOCAL_PORT" "$(service_port "$FRONTEND" 80)" / ''
else
  echo "skipped: the HTTP checks (--skip-http)"
fi
if [ "$MODE" = helm ]; then
  run helm test "$RELEASE" -n "$NAMESPACE" || explain_failure "helm test failed"
fi
if [ "$DRY_RUN" = true ]; then
  echo "dry run: nothing was run; the commands above are the whole flow"
else
  echo "smoke test passed: $RELEASE in $NAMESPACE ($MODE)"
fi

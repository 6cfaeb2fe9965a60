#!/usr/bin/env bash
# CI step for the integration tests (docs/contributing-integration-tests.md): provisions etcd and kube-apiserver
# (cached after the first build), runs every *.int.test.ts against them with CI=true so that a missing server fails
# instead of skipping, then fails if any control-plane process outlived the run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash test/harness/build.sh
CI=true npx jest --testPathPatterns '\.int\.test\.ts$'
if pgrep -af '^[^ ]*/virtwork/(etcd|kube-apiserver)-v[0-9.]+/'; then
  echo ".ci/harness.sh: the control-plane processes above outlived the test run" >&2
  exit 1
fi

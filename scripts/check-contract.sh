#!/usr/bin/env bash
# The contract check (make test, after the integration tests of the rel build): every
# answer they got (test-output/$TAG/rel/contract.jsonl) is judged against
# docs/openapi.yaml by tests/contract/check.mjs with Ajv (pinned in package.json): a
# status the operation does not document, a body that does not validate against its
# schema, a content type it does not list, or an operation never answered with
# success, fails. The checker's own self-test runs first.
set -euo pipefail
cd "$(dirname "$0")/.."
log="test-output/${FAIRRATE_TEST_TAG:-main}/rel/contract.jsonl"
if [ ! -d node_modules/ajv ] || [ ! -d node_modules/yaml ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
[ -s "$log" ] || { echo "contract: no answers logged in $log (run the integration tests)"; exit 1; }
node tests/contract/check.mjs docs/openapi.yaml "$log" --self-test
node tests/contract/check.mjs docs/openapi.yaml "$log"

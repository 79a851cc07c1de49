#!/usr/bin/env bash
# Checks what is not C: docs/openapi.yaml with a real OpenAPI linter (Redocly CLI from
# the npm registry, pinned in package.json) and docker-compose.yml with docker-compose.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/redocly ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
echo "openapi: linting docs/openapi.yaml"
NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off node_modules/.bin/redocly lint \
  --config .redocly.yaml docs/openapi.yaml 2>&1 | grep -vE '^\s*$|[║╔╚]' 
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || { echo "openapi: lint failed"; exit 1; }

echo "compose: checking docker-compose.yml"
docker-compose -f docker-compose.yml config -q
echo "docs checks: 2 passed, 0 failed"

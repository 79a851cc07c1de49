#!/usr/bin/env bash
# Installs the Debian 12 packages fairrate needs to build, test and run, and only
# those that are missing. Safe to run again: it does nothing when all are present.
set -euo pipefail

packages=(
  build-essential pkg-config
  postgresql postgresql-contrib
  libpq-dev libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev libssl-dev
  libcriterion-dev libpsl-dev publicsuffix
  wrk docker-compose chromium nginx-light openssl time nmap sslscan
  clang libclang-rt-14-dev llvm
  libcairo2-dev libpango1.0-dev fonts-dejavu-core fonts-ipafont-gothic poppler-utils gettext
  jq
)
# clang builds the libFuzzer harnesses (make fuzz, and a short run in make test); its
# fuzzer and sanitizer runtimes are in libclang-rt-14-dev, which clang only recommends,
# and llvm brings llvm-symbolizer for readable sanitizer stacks. nmap is the peer the
# port scan is compared with (its verdicts in tests, its speed in make bench-ports).
# cairo and pango draw the one-page PDF report (report/); DejaVu Sans and IPA P Gothic
# give it its English and Japanese glyphs; poppler-utils (pdftotext, pdfinfo, pdffonts) and
# gettext's msgfmt judge the report and the message catalogues in the tests. jq is in
# the API examples of docs/api-guide.md, which scripts/test-docs.sh runs.
[ "${FAIRRATE_BOOTSTRAP_EXTRA:-}" ] && read -r -a extra <<<"$FAIRRATE_BOOTSTRAP_EXTRA" && packages+=("${extra[@]}")

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

# Node.js and npm run the OpenAPI linter; a machine may carry them from elsewhere.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "bootstrap: missing Debian packages: ${missing[*]}" >&2
  echo "bootstrap: run 'make deps' as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "bootstrap: done"

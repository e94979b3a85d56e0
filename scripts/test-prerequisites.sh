#!/usr/bin/env bash
# Things the test suite needs beyond the Python packages in pyproject.toml (which `make test`
# installs into .venv). Each step checks first, so running it twice costs nothing; a step it
# cannot do says what is missing and how to get it, and exits 1.
#
# Needed: Chromium at /usr/bin/chromium, for the browser tests in tests/ui/ (Playwright drives
# Debian's package through executable_path; it never downloads a browser of its own).
set -euo pipefail

need_chromium() {
    echo "test prerequisites: the browser tests (tests/ui/) need Chromium at /usr/bin/chromium," >&2
    echo "  and this script cannot install it: $1." >&2
    echo "  On Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y chromium" >&2
    echo "  Elsewhere, install Chromium and link its binary to /usr/bin/chromium;" >&2
    echo "  or run the rest of the suite: .venv/bin/python -m pytest --ignore=tests/ui" >&2
    exit 1
}

if [ ! -x /usr/bin/chromium ]; then
    command -v apt-get >/dev/null 2>&1 || need_chromium "this system has no apt-get"
    [ "$(id -u)" -eq 0 ] || need_chromium "it runs as $(id -un), not root"
    echo "test prerequisites: installing chromium (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || need_chromium "'apt-get update' failed (no network?)"
    apt-get install -y -qq --no-install-recommends chromium >/dev/null \
        || need_chromium "'apt-get install chromium' failed"
fi

echo "test prerequisites: ok"

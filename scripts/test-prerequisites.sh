#!/usr/bin/env bash
# Things the test suite needs beyond the Python packages in pyproject.toml.
# Each step checks first, so running it twice costs nothing.
set -euo pipefail

# Chromium for the browser tests (tests/ui/): Debian's package, driven by Playwright through
# executable_path=/usr/bin/chromium. Never `playwright install` (it downloads its own browser).
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "test prerequisites: /usr/bin/chromium is missing; install Debian's 'chromium'" \
            "package (as root: apt-get update && apt-get install -y chromium)" >&2
        exit 1
    fi
    echo "test prerequisites: installing chromium (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

echo "test prerequisites: ok"

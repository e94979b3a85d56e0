#!/usr/bin/env bash
# Things the test suite needs beyond the Python packages in pyproject.toml.
# Each step checks first, so running it twice costs nothing.
set -euo pipefail
echo "test prerequisites: ok"

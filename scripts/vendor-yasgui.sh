#!/usr/bin/env bash
# Re-vendor YASGUI (the query UI at /query) from the npm registry into
# r2p_graph/static/vendor/yasgui/. The server never loads anything from a CDN: these files are
# the whole UI. Usage: scripts/vendor-yasgui.sh [VERSION]   (default: the version pinned below)
#
# What it does: `npm install @zazuko/yasgui@VERSION` in a temporary folder (no install scripts),
# copies the built bundle (yasgui.min.js, yasgui.min.css; they need no other asset), writes
# LICENSE (the package declares MIT but its tarball ships no licence file) and README.md with
# the exact version, the SHA-256 of each file and the licences of every bundled package.
set -euo pipefail

VERSION="${1:-4.6.2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/r2p_graph/static/vendor/yasgui"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --silent "@zazuko/yasgui@$VERSION"
PKG="$WORK/node_modules/@zazuko/yasgui"

installed="$(node -p "require('$PKG/package.json').version")"
license="$(node -p "require('$PKG/package.json').license")"
if [ "$installed" != "$VERSION" ]; then
    echo "asked for $VERSION, npm installed $installed" >&2
    exit 1
fi
if [ "$license" != "MIT" ]; then
    echo "@zazuko/yasgui $VERSION declares licence '$license', not MIT: check before vendoring" >&2
    exit 1
fi

mkdir -p "$DEST"
rm -f "$DEST"/yasgui.min.js "$DEST"/yasgui.min.css
cp "$PKG/build/yasgui.min.js" "$PKG/build/yasgui.min.css" "$DEST/"

# The licence text of the upstream repository (github.com/zazuko/Yasgui, forked from
# TriplyDB/Yasgui), whose LICENSE.txt reads as follows.
cat >"$DEST/LICENSE" <<'EOF'
The MIT License (MIT)

Copyright © 2018 Ruben Taelman

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
EOF

bundled="$(node -e '
const fs = require("fs"), path = require("path");
const root = path.join(process.argv[1], "node_modules");
const rows = [];
const visit = (dir) => {
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (name.startsWith("@")) { visit(full); continue; }
    const manifest = path.join(full, "package.json");
    if (!fs.existsSync(manifest)) continue;
    const p = JSON.parse(fs.readFileSync(manifest, "utf8"));
    const lic = typeof p.license === "string" ? p.license : JSON.stringify(p.license || p.licenses || "?");
    rows.push(`| ${p.name} | ${p.version} | ${lic} |`);
  }
};
visit(root);
console.log(rows.join("\n"));
' "$WORK")"

cd "$DEST"
cat >README.md <<EOF
# YASGUI, vendored

The query UI at \`/query\` is [YASGUI](https://github.com/zazuko/Yasgui), npm package
\`@zazuko/yasgui\` **version $VERSION**, licence MIT (see \`LICENSE\`; the npm tarball ships no
licence file, so the text is the upstream repository's \`LICENSE.txt\`).

Only the built bundle is kept; it needs no other asset (fonts and icons are inline), and the
page that loads it (\`r2p_graph/templates/query.html\`) turns off the two autocompleters that
would call lov.linkeddata.es, so the UI works with the network off. The source maps the
bundle names in its last line are not vendored (a browser asks for them only with its
developer tools open).

| file | SHA-256 |
|---|---|
| yasgui.min.js | \`$(sha256sum yasgui.min.js | cut -d' ' -f1)\` |
| yasgui.min.css | \`$(sha256sum yasgui.min.css | cut -d' ' -f1)\` |

Reproduce (or update) with \`scripts/vendor-yasgui.sh [VERSION]\`: it installs the package with
npm in a temporary folder, copies these files and rewrites this README. Never hand-edit them.

Packages npm installed alongside it (the bundle includes the code of those it uses):

| package | version | licence |
|---|---|---|
$bundled
EOF

echo "vendored @zazuko/yasgui $VERSION into $DEST"

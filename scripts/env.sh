# Sourced by the other scripts. Brings Node 22 from the npm registry when the machine's
# Node is older (Backstage 1.55 wants 22 or 24), and puts Yarn from the committed
# release (.yarn/releases, see .yarnrc.yml) on PATH; nothing is installed globally.
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
handoff_cache="${HANDOFF_CACHE:-$HOME/.cache/handoff}"
node_version=22.23.3

if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 22 ]; then
  arch=$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
  node_home="$handoff_cache/node-$node_version/node_modules/node-linux-$arch"
  if [ ! -x "$node_home/bin/node" ]; then
    echo "Fetching Node $node_version from the npm registry into $handoff_cache ..."
    npm install --no-save --no-audit --no-fund --loglevel=error \
      --prefix "$handoff_cache/node-$node_version" "node-linux-$arch@$node_version"
  fi
  export PATH="$node_home/bin:$PATH"
  # node-gyp builds native modules (better-sqlite3) against this Node's headers.
  export npm_config_nodedir="$node_home"
fi

mkdir -p "$handoff_cache/bin"
yarn_release=$(ls "$repo_root"/.yarn/releases/yarn-*.cjs | head -n 1)
printf '#!/bin/sh\nexec node "%s" "$@"\n' "$yarn_release" > "$handoff_cache/bin/yarn"
chmod +x "$handoff_cache/bin/yarn"
export PATH="$handoff_cache/bin:$PATH"
cd "$repo_root"

#!/usr/bin/env bash
# Builds the offline install bundle: ONE tar.gz that installs proofgate on a Debian 12 machine with no
# network at all (docs/offline-install.md). Run it on a connected Debian 12 amd64 machine of the same
# release, after ./appliance/setup.sh --no-start has built the application:
#
#   ./appliance/bundle.sh [--out DIR]      writes DIR/proofgate-<version>-debian12-<arch>.tar.gz and .sha256
#                                          (DIR defaults to out/bundle)
#
# The bundle holds:
#   app/        the built application: dist/src, the production native addon, the face models with their
#               manifest, the page assets, the appliance/ scripts and units, docs/, and the node_modules
#               the compiled code imports (followed through their dependencies; dev tools left out)
#   runtime/    the Node.js binary this machine runs (the native modules were built against its ABI)
#   debs/       every Debian package the appliance needs at run time, with the whole dependency closure
#               as a bare Debian 12 would need it (resolved against an empty dpkg status)
#   install.sh  the installer (appliance/install.sh); SHA256SUMS covers every other file
#
# Rebuilds the addon and the TypeScript first (incremental), so the bundle is this checkout's code.
# Downloads only from the Debian archive this machine's apt is configured with (apt-get update and the
# packages). Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

out="$repo/out/bundle"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$(realpath -m "$2"); shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bundle.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "bundle.sh: $*" >&2; exit 1; }
sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"

# Packages the appliance uses at run time besides the libraries its native modules link (found below
# with ldd): SoftHSM2 (the PKCS#11 module and softhsm2-util), OpenSC (pkcs11-tool, for operators),
# nginx (the TLS front, appliance/nginx/proofgate.conf), the OCR-B font (MRZ glyph templates), and
# CA certificates for the HTTPS download of Entra's keys by proofgate-entra-keys.timer.
runtime_packages=(softhsm2 opensc nginx-light fonts-ocr-b ca-certificates)

step "checking this machine"
. /etc/os-release
[ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = 12 ] || fail "build the bundle on Debian 12 (this is ${PRETTY_NAME:-unknown}): the packages must match the target's release"
arch=$(dpkg --print-architecture)
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (!((a===20&&b>=19)||a>=22)) { console.error(`needs Node.js 20.19+ (found ${process.version})`); process.exit(1); }'
[ -f models/manifest.json ] && [ -d node_modules ] \
  || fail "models/manifest.json or node_modules is missing: set the checkout up first (./appliance/setup.sh --no-start)"

work=$(mktemp -d "${TMPDIR:-/tmp}/proofgate-bundle.XXXXXX")
trap 'rm -rf "$work"' EXIT

step "building the native addon and the TypeScript (the bundle must match this checkout's sources)"
# Both builds are incremental; a stale dist/ or addon would otherwise ship code older than the sources.
npm run --silent build:native > "$work/build.log" 2>&1 \
  || { tail -n 20 "$work/build.log" >&2; fail "npm run build:native failed"; }
npm run --silent build:ts || fail "npm run build:ts failed"
version=$(node -p 'require("./package.json").version')
name="proofgate-$version-debian12-$arch"

stage="$work/$name"
mkdir -p "$stage/app" "$stage/runtime/bin" "$stage/debs"

step "application (dist, native addon, models, page assets, appliance files)"
# Only what the appliance runs: no TypeScript sources, tests, benchmarks or the test addon. The project
# root is found at run time as the directory with package.json and no CMakeLists.txt (src/core/project-root.ts).
mkdir -p "$stage/app/build/native/Release" "$stage/app/src/pages" "$stage/app/dist"
cp -a dist/src "$stage/app/dist/src"
cp -a build/native/Release/proofgate.node "$stage/app/build/native/Release/"
cp -a models "$stage/app/models"
cp -a src/pages/static "$stage/app/src/pages/static"
cp -a appliance docs README.md package.json package-lock.json "$stage/app/"
rm -f "$stage/app/appliance/"*.log
# The models as the manifest records them (a stale manifest would stop the appliance at start-up).
node -e '
  const fs = require("fs"), crypto = require("crypto"), path = require("path");
  const dir = process.argv[1], m = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  const files = JSON.stringify(m).match(/"[^"]+\.onnx"/g).map((s) => JSON.parse(s));
  for (const f of new Set(files)) { if (!fs.existsSync(path.join(dir, path.basename(f)))) { console.error(`model ${f} missing`); process.exit(1); } }
' "$stage/app/models"

step "node_modules the compiled code imports, with their dependencies"
# The roots are the bare imports in dist/src (so a run-time import that package.json files under
# devDependencies is still carried); each package's dependencies and optionalDependencies are then
# resolved the way Node does, walking up node_modules directories.
node --input-type=module -e '
  import fs from "node:fs"; import path from "node:path";
  const repo = process.cwd(), found = new Set(), roots = new Set();
  const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (p.endsWith(".js")) for (const m of fs.readFileSync(p, "utf8").matchAll(/(?:from |import\()\s*["\x27]([^"\x27.][^"\x27]*)["\x27]/g)) {
      if (m[1].startsWith("node:")) continue;
      const parts = m[1].split("/"); roots.add(m[1].startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
    } } };
  walk(path.join(repo, "dist/src"));
  const resolve = (name, from) => { for (let d = from; ; d = path.dirname(d)) {
    const c = path.join(d, "node_modules", name);
    if (fs.existsSync(path.join(c, "package.json"))) return c;
    if (d === repo || d === path.dirname(d)) return null; } };
  const visit = (dir, optional, name) => {
    if (!dir) { if (optional) return; console.error(`bundle.sh: cannot resolve ${name}`); process.exit(1); }
    const real = path.relative(repo, dir); if (found.has(real)) return; found.add(real);
    const pj = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    for (const d of Object.keys(pj.dependencies ?? {})) visit(resolve(d, dir), false, d);
    for (const d of Object.keys(pj.optionalDependencies ?? {})) visit(resolve(d, dir), true, d);
  };
  for (const r of roots) visit(resolve(r, repo), false, r);
  fs.writeFileSync(process.argv[1], [...found].sort().join("\n") + "\n");
  console.log(`${roots.size} imported packages (${[...roots].sort().join(", ")}), ${found.size} with dependencies`);
' "$work/modules.txt"
# Copy each package without its nested node_modules (those that are needed are in the list themselves)
# and without .bin links.
while read -r rel; do
  mkdir -p "$stage/app/$rel"
  tar -C "$repo/$rel" --exclude=./node_modules --exclude=./.bin -cf - . | tar -C "$stage/app/$rel" -xf -
done < "$work/modules.txt"
# better-sqlite3's build tree keeps intermediate objects and the SQLite sources; only the .node is loaded.
find "$stage/app/node_modules" -path '*/build/Release/obj.target' -prune -exec rm -rf {} +
find "$stage/app/node_modules" -path '*/build/Release/.deps' -prune -exec rm -rf {} +
[ -z "$(find "$stage" -type l -print -quit)" ] || fail "the staged tree contains symbolic links: $(find "$stage" -type l | head -3)"

step "Node.js runtime"
node_bin=$(readlink -f "$(command -v node)")
cp "$node_bin" "$stage/runtime/bin/node"
node -p 'process.version' > "$stage/runtime/VERSION"
for lic in "$(dirname "$node_bin")/../share/doc/nodejs/LICENSE" /usr/share/doc/nodejs/LICENSE "$(dirname "$node_bin")/../LICENSE"; do
  [ -f "$lic" ] && { cp "$lic" "$stage/runtime/LICENSE"; break; }
done
[ -f "$stage/runtime/LICENSE" ] || echo "bundle.sh: warning: Node.js LICENSE file not found next to $node_bin" >&2

step "Debian packages and their dependency closure"
# Libraries the native modules link, mapped to the packages that own them. usrmerge: a library ldd finds
# under /lib is registered under /usr/lib (or the other way round), so each is asked for under every
# name, in one dpkg query (names that no package owns are expected among them).
mapfile -t natives < <(find "$stage/app" -name '*.node' -type f)
mapfile -t libs < <(for n in "${natives[@]}"; do ldd "$n" | awk '$3 ~ /^\// {print $3}'; done | sort -u)
[ ${#libs[@]} -gt 0 ] || fail "ldd found no libraries for the native modules"
mapfile -t lib_names < <(for lib in "${libs[@]}"; do
  real=$(readlink -f "$lib"); printf '%s\n' "$lib" "$real" "/usr${lib#/usr}" "/usr${real#/usr}" "${lib#/usr}" "${real#/usr}"
done | sort -u)
mapfile -t packages < <({ printf '%s\n' "${runtime_packages[@]}"; dpkg -S "${lib_names[@]}" 2>/dev/null | cut -d: -f1 | tr ',' '\n' | sed 's/^ *//'; } | sort -u)
printf '%s\n' "${packages[@]}" > "$stage/debs/PACKAGES"
echo "${#packages[@]} packages requested (debs/PACKAGES), from ${#natives[@]} native modules and the fixed list"
# Resolve against an empty dpkg status (a machine that has nothing), into a private archive directory,
# so the closure is what a bare target needs and this machine's own state is neither used nor changed.
apt_dir="$work/apt"; mkdir -p "$apt_dir/archives/partial"; : > "$apt_dir/status"
# apt downloads as its unprivileged _apt user: let it write there.
chmod 0755 "$work" "$apt_dir"
if id _apt > /dev/null 2>&1; then $sudo_cmd chown -R _apt "$apt_dir/archives"; fi
$sudo_cmd apt-get update -qq
$sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -qq -y --download-only --no-install-recommends \
  -o Dir::State::status="$apt_dir/status" -o Dir::Cache::archives="$apt_dir/archives" \
  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Debug::NoLocking=1 \
  "${packages[@]}" > "$work/apt.log" || { tail -n 20 "$work/apt.log" >&2; fail "apt could not resolve or download the packages"; }
$sudo_cmd find "$apt_dir/archives" -maxdepth 1 -name '*.deb' -exec cp {} "$stage/debs/" \;
echo "$(find "$stage/debs" -name '*.deb' | wc -l) .deb files, $(du -sh "$stage/debs" | cut -f1)"

step "installer, bundle description, checksums"
cp appliance/install.sh "$stage/install.sh"
chmod 0755 "$stage/install.sh" "$stage/runtime/bin/node"
{
  echo "name=$name"
  echo "version=$version"
  echo "arch=$arch"
  echo "debian=$VERSION_ID"
  echo "node=$(cat "$stage/runtime/VERSION")"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$stage/BUNDLE-INFO"
(cd "$stage" && find . -type f ! -name SHA256SUMS -printf '%P\0' | sort -z | xargs -0 sha256sum > SHA256SUMS)

step "archive"
mkdir -p "$out"
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -n > "$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "wrote $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1); unpacked $(du -sh "$stage" | cut -f1))"
echo "checksum: $out/$name.tar.gz.sha256 (send it by a separate channel; install.sh checks SHA256SUMS inside)"

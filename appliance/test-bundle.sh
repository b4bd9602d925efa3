#!/usr/bin/env bash
# End-to-end test of the offline install bundle (docs/offline-install.md), outside `npm test` because it
# takes minutes and needs root. On a connected Debian 12 machine where the application is built:
#
#   sudo ./appliance/test-bundle.sh [--bundle FILE] [--keep]
#
#   1. builds the bundle with appliance/bundle.sh (or takes --bundle FILE)
#   2. debootstraps a clean Debian 12 (minbase) root in a temporary directory, from the Debian archive
#      this machine's apt uses; removes its apt sources and package lists
#   3. inside a new network namespace (only a loopback interface: no route out) and a chroot:
#      install.sh must refuse a bundle with an unlisted file and one with an altered file, touching
#      nothing; then install.sh --systemd installs everything with no network; the appliance is
#      started as the proofgate user, a JWKS is pinned with import-entra-jwks, and discovery and
#      /health are fetched over loopback
#   4. prints the timings and sizes, and PASS; the temporary directory is removed unless --keep
set -euo pipefail
cd "$(dirname "$0")/.."

bundle=""; keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle=$(realpath "$2"); shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "test-bundle.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "test-bundle.sh: run as root (debootstrap, chroot, network namespace)" >&2; exit 1; }

step() { printf '\n==> %s\n' "$*"; }
now() { date +%s; }
work=$(mktemp -d /var/tmp/proofgate-test-bundle.XXXXXX)
[ "$keep" -eq 1 ] || trap 'rm -rf "$work"' EXIT
declare -A took

if [ -z "$bundle" ]; then
  step "building the bundle"
  t0=$(now); ./appliance/bundle.sh --out "$work/out"; took[bundle]=$(( $(now) - t0 ))
  bundle=$(ls "$work"/out/proofgate-*.tar.gz)
fi

step "a clean Debian 12 root (debootstrap --variant=minbase)"
command -v debootstrap > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
# The archive this machine's apt already uses for bookworm: no host is written into the project.
mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' | awk '$2=="bookworm" && $3=="main" {print $1; exit}')
[ -n "$mirror" ] || { echo "test-bundle.sh: no bookworm main source configured in apt" >&2; exit 1; }
root="$work/root"
t0=$(now); debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
took[debootstrap]=$(( $(now) - t0 ))
rm -f "$root/etc/apt/sources.list"; rm -rf "$root/etc/apt/sources.list.d" "$root/var/lib/apt/lists"
mkdir -p "$root/var/lib/apt/lists/partial"
# The usual chroot rule: package scripts must not start daemons (nginx) here.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod 0755 "$root/usr/sbin/policy-rc.d"
base_size=$(du -sm --exclude=./proc "$root" | cut -f1)

mkdir -p "$root/bundle"
tar -C "$root/bundle" -xzf "$bundle"
cat > "$root/bundle/inside.sh" <<'INSIDE'
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s; }
cd /bundle/proofgate-*/
ifaces=$(awk 'NR > 2 { sub(":", "", $1); print $1 }' /proc/net/dev | tr '\n' ' ')
[ "$ifaces" = "lo " ] || fail "expected only a loopback interface, found: $ifaces"
[ -z "$(ls /etc/apt/sources.list.d 2>/dev/null)" ] && [ ! -e /etc/apt/sources.list ] || fail "apt sources still present"
! dpkg-query -W softhsm2 > /dev/null 2>&1 || fail "softhsm2 is already installed in the clean root"
! command -v node > /dev/null || fail "node is already present in the clean root"

echo "-- a file added to the bundle is refused, and nothing is touched"
echo 'process.exit(0)' > app/extra.js
if ./install.sh --systemd > /tmp/refused.log 2>&1; then fail "install.sh accepted an unlisted file"; fi
grep -q 'not listed in SHA256SUMS' /tmp/refused.log || { cat /tmp/refused.log; fail "wrong refusal"; }
rm app/extra.js
echo "-- an altered file is refused, and nothing is touched"
cp app/package.json /tmp/package.json; echo ' ' >> app/package.json
if ./install.sh --systemd > /tmp/refused.log 2>&1; then fail "install.sh accepted an altered file"; fi
grep -q 'checksum mismatch' /tmp/refused.log || { cat /tmp/refused.log; fail "wrong refusal"; }
cp /tmp/package.json app/package.json
[ ! -e /opt/proofgate ] && [ ! -e /etc/proofgate ] && ! id proofgate > /dev/null 2>&1 || fail "a refused install touched the system"
! dpkg-query -W softhsm2 > /dev/null 2>&1 || fail "a refused install installed packages"

echo "-- install.sh --systemd, with no network"
t0=$(now); ./install.sh --systemd; echo "install_seconds=$(( $(now) - t0 ))" > /tmp/timings
for p in $(cat debs/PACKAGES); do
  dpkg-query -W -f='${Status}\n' "$p" | grep -q 'install ok installed' || fail "package $p is not installed"
done
[ -f /etc/systemd/system/proofgate.service ] && grep -q '/opt/proofgate/runtime/bin/node' /etc/systemd/system/proofgate.service.d/10-offline-bundle.conf \
  || fail "systemd unit or drop-in missing"
echo "-- a second run is an upgrade in place: it keeps the state"
./install.sh --systemd --no-packages > /tmp/second.log 2>&1 || { cat /tmp/second.log; fail "second install failed"; }

echo "-- pin a JWKS, start the appliance as the proofgate user, fetch discovery over loopback"
export PROOFGATE_CONFIG=/etc/proofgate/proofgate.json
/opt/proofgate/runtime/bin/node -e '
  const { generateKeyPairSync } = require("crypto");
  const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" });
  process.stdout.write(JSON.stringify({ keys: [{ ...jwk, kid: "test-kid", use: "sig" }] }));' > /tmp/entra-keys.json
chmod 0644 /tmp/entra-keys.json
runuser -u proofgate -- env PROOFGATE_CONFIG="$PROOFGATE_CONFIG" /opt/proofgate/bin/proofgate import-entra-jwks /tmp/entra-keys.json
t0=$(date +%s%N)
runuser -u proofgate -- env PROOFGATE_CONFIG="$PROOFGATE_CONFIG" UV_THREADPOOL_SIZE=4 /opt/proofgate/bin/proofgate serve > /tmp/serve.log 2>&1 &
/opt/proofgate/runtime/bin/node -e '
  const base = "http://127.0.0.1:8443", started = Date.now();
  (async () => {
    for (;;) {
      try {
        const res = await fetch(`${base}/.well-known/openid-configuration`);
        const body = await res.json();
        if (res.status !== 200 || !res.headers.get("content-length")) throw new Error(`discovery: HTTP ${res.status}`);
        if (body.issuer !== "https://verify.example.org" || body.jwks_uri !== "https://verify.example.org/oidc/jwks") throw new Error(`issuer ${body.issuer}`);
        console.log(`discovery_ms=${Date.now() - started}`);
        console.log(`discovery: issuer ${body.issuer}, authorization_endpoint ${body.authorization_endpoint}`);
        const jwks = await (await fetch(`${base}/oidc/jwks`)).json();
        if (!jwks.keys?.[0]?.x5c) throw new Error("JWKS without x5c");
        console.log(`jwks: ${jwks.keys.length} key(s), kid ${jwks.keys[0].kid}`);
        const health = await fetch(`${base}/health`);
        console.log(`health: HTTP ${health.status} ${await health.text()}`);
        return;
      } catch (e) {
        if (Date.now() - started > 60000) { console.error(`no discovery in 60 s: ${e.message}`); process.exit(1); }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  })();' | tee -a /tmp/timings || { echo "--- serve log"; cat /tmp/serve.log; fail "discovery"; }
grep -q '"entraKeys":{"ok":true' /tmp/timings || { cat /tmp/serve.log; fail "/health does not report the pinned Entra keys"; }
echo "installed_prefix_mib=$(du -sm /opt/proofgate | cut -f1)" >> /tmp/timings
INSIDE

step "install and start inside a chroot with no network (unshare --net)"
# A new network namespace has only a loopback interface, down: bring it up from the host's ip before
# the chroot; proc and dev are mounted in a private mount namespace and vanish with it.
unshare --net --mount --pid --fork --propagation private bash -c '
  set -e
  ip link set lo up
  mount -t proc proc "$1/proc"
  mount --rbind /dev "$1/dev"
  exec chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 /bin/bash /bundle/inside.sh' _ "$root"

installed_size=$(du -sm --exclude=./proc --exclude=./dev --exclude=./bundle "$root" | cut -f1)
step "timings and sizes"
[ -n "${took[bundle]:-}" ] && echo "bundle.sh:                  ${took[bundle]} s"
echo "bundle archive:             $(du -h "$bundle" | cut -f1) ($(tar -tzf "$bundle" | grep -c '\.deb$') .deb files)"
echo "debootstrap (minbase):      ${took[debootstrap]} s"
sed 's/^/inside: /' "$root/tmp/timings"
echo "clean root:                 ${base_size} MiB; after install: ${installed_size} MiB"
echo "PASS"

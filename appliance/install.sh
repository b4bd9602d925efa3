#!/usr/bin/env bash
# Installs proofgate from the offline bundle (built by appliance/bundle.sh) on Debian 12, with NO
# network: no apt source, no npm, no download of any kind. Run it as root from the unpacked bundle:
#
#   ./install.sh [--prefix DIR] [--systemd] [--config FILE] [--no-init] [--no-packages]
#
#   --prefix DIR    where the application goes (default /opt/proofgate)
#   --systemd       the service layout: user "proofgate", /var/lib/proofgate, /etc/proofgate/proofgate.json
#                   (from the example, if absent), the unit and its drop-in, the Entra key timer units
#                   (installed, not enabled); init then runs as that user with that configuration
#   --config FILE   the configuration init reads (default: /etc/proofgate/proofgate.json with --systemd,
#                   else $PROOFGATE_CONFIG or the embedded defaults)
#   --no-init       skip "proofgate init"
#   --no-packages   skip the Debian packages (they are already installed)
#
# Order: (1) every file is checked against SHA256SUMS, nothing unlisted may be present and a running
# service is refused, all before anything is touched; (2) the Debian packages go in through apt, whose
# only source is the bundle (it upgrades, never downgrades); (3) the application and the Node.js runtime
# are copied to the prefix (a data directory under it is kept); (4) init; (5) next steps are printed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

prefix=/opt/proofgate
systemd=0; run_init=1; packages=1; config="${PROOFGATE_CONFIG:-}"; config_given=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$(realpath -m "$2"); shift 2 ;;
    --systemd) systemd=1; shift ;;
    --config) config=$(realpath -m "$2"); config_given=1; shift 2 ;;
    --no-init) run_init=0; shift ;;
    --no-packages) packages=0; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "install.sh: $*" >&2; exit 1; }

step "verifying the bundle (SHA256SUMS)"
cd "$here"
[ -f SHA256SUMS ] || fail "SHA256SUMS is missing: this is not a complete bundle"
# Anything that is not a plain file or directory, or a file SHA256SUMS does not list, is refused: a file
# added to the bundle would otherwise be installed unchecked.
odd=$(find . ! -type f ! -type d -print -quit)
[ -z "$odd" ] || fail "unexpected non-regular file in the bundle: $odd"
unlisted=$(comm -23 <(find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort) \
                    <(sed -E 's/^[0-9a-f]{64}  //' SHA256SUMS | LC_ALL=C sort) | head -5 || true)
[ -z "$unlisted" ] || fail "files not listed in SHA256SUMS (refusing to install): $unlisted"
sha256sum --quiet --strict -c SHA256SUMS || fail "checksum mismatch (above): the bundle is damaged or altered; nothing was installed"
echo "$(wc -l < SHA256SUMS) files verified"

# BUNDLE-INFO is key=value lines; read, not sourced.
info() { sed -n "s/^$1=//p" BUNDLE-INFO; }
debian=$(info debian); arch=$(info arch); version=$(info version)
# shellcheck disable=SC1091
. /etc/os-release
[ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = "$debian" ] || fail "this bundle is for Debian $debian (this is ${PRETTY_NAME:-unknown})"
[ "$(dpkg --print-architecture)" = "$arch" ] || fail "this bundle is for $arch (this machine is $(dpkg --print-architecture))"
if [ "$packages" -eq 1 ] || [ "$systemd" -eq 1 ]; then
  [ "$(id -u)" -eq 0 ] || fail "run as root (Debian packages and the service layout need it)"
fi

# The code is replaced below by deleting and moving directories (dist, node_modules, runtime): under a
# running service that would be half-replaced code and modules loaded from deleted files. Refuse, before
# anything is touched, while either unit that runs it is active (with or without --systemd: a unit
# installed earlier runs from the prefix all the same).
if command -v systemctl > /dev/null 2>&1; then
  for unit in proofgate proofgate-entra-keys; do
    if systemctl is-active --quiet "$unit" 2> /dev/null; then
      fail "$unit.service is running: stop it first (systemctl stop $unit), then run install.sh again; nothing was installed"
    fi
  done
fi

if [ "$packages" -eq 1 ]; then
  step "Debian packages (offline; the bundle is apt's only source)"
  # A flat repository in a temporary directory, indexed here from the verified .deb files, is the only
  # source apt sees (every configured source and package list is set aside). apt then resolves, orders
  # and upgrades as usual, marks the dependencies automatic, and has nothing it could download.
  repo=$(mktemp -d); chmod 0755 "$repo"; mkdir -p "$repo/debs" "$repo/lists/partial"
  trap 'rm -rf "$repo"' EXIT
  for deb in debs/*.deb; do
    base=$(basename "$deb")
    ln -s "$here/$deb" "$repo/debs/$base"
    { dpkg-deb -f "$deb"; echo "Filename: ./$base"; echo "Size: $(stat -c %s "$deb")"
      echo "SHA256: $(sha256sum < "$deb" | cut -d' ' -f1)"; echo; } >> "$repo/debs/Packages"
  done
  id _apt > /dev/null 2>&1 && chown -R _apt "$repo/lists"
  # trusted=yes: the files were checked against SHA256SUMS above; there is no Release file to sign.
  echo "deb [trusted=yes] file:$repo/debs ./" > "$repo/sources.list"
  apt_opts=(-o Dir::Etc::SourceList="$repo/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o Dir::State::Lists="$repo/lists" -o Acquire::AllowInsecureRepositories=true)
  apt-get "${apt_opts[@]}" -q update > /dev/null
  mapfile -t wanted < debs/PACKAGES
  DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -q --no-install-recommends "${wanted[@]}"
  rm -rf "$repo"; trap - EXIT
fi

step "application into $prefix"
mkdir -p "$prefix"
new="$prefix/.install-$$"
trap 'rm -rf "$new"' EXIT
mkdir -p "$new"
cp -a app/. "$new/"
cp -a runtime "$new/runtime"
cp BUNDLE-INFO "$new/"
mkdir -p "$new/bin"
cat > "$new/bin/proofgate" <<EOF
#!/bin/sh
# The proofgate command with the bundled Node.js (the native modules were built against it).
exec "$prefix/runtime/bin/node" "$prefix/dist/src/cli/main.js" "\$@"
EOF
chmod 0755 "$new/bin/proofgate"
# Replace the code entry by entry; anything else under the prefix (a var/ data directory) is kept.
for entry in "$new"/*; do
  base=$(basename "$entry")
  rm -rf "${prefix:?}/$base"
  mv "$entry" "$prefix/$base"
done
rm -rf "$new"; trap - EXIT
"$prefix/runtime/bin/node" -e 'process.exit(0)' || fail "the bundled Node.js does not run on this machine"
echo "Node.js $(cat "$prefix/runtime/VERSION") at $prefix/runtime/bin/node; command: $prefix/bin/proofgate"

run_as=""
if [ "$systemd" -eq 1 ]; then
  step "service layout (user proofgate, /etc/proofgate, /var/lib/proofgate, systemd units)"
  id proofgate > /dev/null 2>&1 || useradd --system --home /var/lib/proofgate --shell /usr/sbin/nologin proofgate
  install -d -o proofgate -g proofgate -m 0700 /var/lib/proofgate
  install -d -o proofgate -g proofgate -m 0750 /var/log/proofgate
  install -d -m 0755 /etc/proofgate
  [ -f /etc/proofgate/proofgate.json ] || install -m 0644 "$prefix/appliance/proofgate.example.json" /etc/proofgate/proofgate.json
  [ "$config_given" -eq 1 ] || config=/etc/proofgate/proofgate.json
  install -m 0644 "$prefix/appliance/systemd/proofgate.service" /etc/systemd/system/proofgate.service
  for unit in "$prefix"/appliance/systemd/proofgate-entra-keys.*; do
    [ -f "$unit" ] && install -m 0644 "$unit" /etc/systemd/system/
  done
  # The units run /usr/bin/node from /opt/proofgate; drop-ins point them at this prefix and the bundled runtime.
  for unit in "proofgate.service:serve" "proofgate-entra-keys.service:import-entra-jwks --fetch --cloud \${PROOFGATE_ENTRA_CLOUD}"; do
    name=${unit%%:*}; args=${unit#*:}
    [ -f "/etc/systemd/system/$name" ] || continue
    install -d "/etc/systemd/system/$name.d"
    cat > "/etc/systemd/system/$name.d/10-offline-bundle.conf" <<EOF
# Written by the offline bundle's install.sh: the bundled Node.js and the install prefix.
[Service]
WorkingDirectory=$prefix
ExecStart=
ExecStart=$prefix/runtime/bin/node $prefix/dist/src/cli/main.js $args
EOF
  done
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable proofgate.service > /dev/null
    echo "proofgate.service enabled (not started: edit the configuration first)"
  else
    echo "systemd is not running here: units installed, not enabled"
  fi
  run_as=proofgate
fi

if [ "$run_init" -eq 1 ]; then
  step "proofgate init (HSM token, PINs, keys, database; kept if present)"
  cmd=(env)
  if [ -n "$config" ]; then cmd+=("PROOFGATE_CONFIG=$config"); fi
  cmd+=("$prefix/bin/proofgate" init)
  if [ -n "$run_as" ]; then runuser -u "$run_as" -- "${cmd[@]}"; else "${cmd[@]}"; fi
fi

step "done: proofgate $version installed in $prefix"
cfg=${config:-"(embedded defaults; data under $prefix/var)"}
cat <<EOF
Next steps (docs/offline-install.md, docs/entra-setup.md):
  1. Edit the configuration $cfg: server.publicBaseUrl (the public HTTPS URL), oidc.clients
     (Client ID, App ID, tenants); check it with:
       ${config:+PROOFGATE_CONFIG=$config }$prefix/bin/proofgate config-check
  2. Pin Entra's signing keys (air-gapped): copy the JWKS in, then
       ${run_as:+runuser -u $run_as -- }env ${config:+PROOFGATE_CONFIG=$config }$prefix/bin/proofgate import-entra-jwks FILE
  3. Put nginx in front with a publicly trusted certificate: $prefix/appliance/nginx/proofgate.conf
  4. Start: $( [ "$systemd" -eq 1 ] && echo "systemctl start proofgate" || echo "$prefix/bin/proofgate serve (or re-run with --systemd)" )
     and check: curl -s http://127.0.0.1:8443/health
EOF

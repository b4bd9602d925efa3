#!/usr/bin/env bash
# Installs a proofgate kiosk station on Debian 12, as root, from the unpacked release (the same tree as
# the appliance's: /opt/proofgate with dist/ and build/native/, and Node.js at /usr/bin/node, after appliance/install.sh --no-init):
#
#   appliance/kiosk/install.sh --appliance-url https://verify.example.org [--agent-port 7480] [--no-packages]
#
# (1) Debian packages: the devices (pcscd, libccid, sane-utils, v4l-utils), the key (softhsm2), the
#     browser (chromium, cage); (2) two users: proofgate-kiosk (the agent: groups video and scanner) and
#     proofgate-kiosk-ui (the browser, no password, no shell); (3) /etc/proofgate-kiosk/kiosk.json (kept
#     when present); (4) the Chromium managed policy /etc/chromium/policies/managed/proofgate-kiosk.json
#     (only the appliance and the agent are reachable, the camera auto-granted for the appliance only, no
#     microphone, no devtools); (5) the units proofgate-kiosk.service (the agent) and
#     proofgate-kiosk-browser.service (Chromium --kiosk in cage on tty1), enabled; (6) the next steps.
# Nothing is downloaded except Debian packages through apt. docs/kiosk.md, "Installing a station".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

appliance_url=""; agent_port=7480; packages=1; prefix=/opt/proofgate
while [ $# -gt 0 ]; do
  case "$1" in
    --appliance-url) appliance_url="$2"; shift 2 ;;
    --agent-port) agent_port="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --no-packages) packages=0; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "kiosk/install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "kiosk/install.sh: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

[ -n "$appliance_url" ] || fail "--appliance-url is required (the appliance's page origin, e.g. https://verify.example.org)"
# An origin: scheme, host, optional port; https, or http only for a loopback appliance (as kiosk.json's applianceUrl).
[[ "$appliance_url" =~ ^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$ || "$appliance_url" =~ ^http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?/?$ ]] \
  || fail "--appliance-url must be an https origin (http only for a loopback appliance), got: $appliance_url"
appliance_origin="${appliance_url%/}"
[[ "$agent_port" =~ ^[0-9]{1,5}$ ]] && [ "$agent_port" -ge 1024 ] && [ "$agent_port" -le 65535 ] || fail "--agent-port must be 1024..65535, got: $agent_port"
[ "$(id -u)" = 0 ] || fail "run as root"
[ -f "$prefix/dist/src/kiosk/cli/main.js" ] || fail "$prefix/dist/src/kiosk/cli/main.js not found: install the release first (appliance/install.sh --no-init)"

if [ "$packages" = 1 ]; then
  step "Debian packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    pcscd libccid libpcsclite1 sane-utils v4l-utils softhsm2 chromium cage fonts-dejavu-core
  systemctl enable --now pcscd.socket
fi

step "users"
getent passwd proofgate-kiosk >/dev/null || useradd --system --home-dir /var/lib/proofgate-kiosk --shell /usr/sbin/nologin proofgate-kiosk
usermod -a -G video,scanner proofgate-kiosk
getent passwd proofgate-kiosk-ui >/dev/null || useradd --create-home --home-dir /var/lib/proofgate-kiosk-ui --shell /usr/sbin/nologin proofgate-kiosk-ui
# The browser reaches its display (cage on tty1) and nothing of the devices: the agent owns them.
usermod -a -G video,render,input proofgate-kiosk-ui 2>/dev/null || usermod -a -G video,input proofgate-kiosk-ui

step "/etc/proofgate-kiosk/kiosk.json"
install -d -m 0750 -o root -g proofgate-kiosk /etc/proofgate-kiosk
if [ ! -f /etc/proofgate-kiosk/kiosk.json ]; then
  printf '{\n  "applianceUrl": "%s",\n  "dataDir": "/var/lib/proofgate-kiosk",\n  "listen": { "port": %s }\n}\n' "$appliance_origin" "$agent_port" \
    > /etc/proofgate-kiosk/kiosk.json
  chown root:proofgate-kiosk /etc/proofgate-kiosk/kiosk.json; chmod 0640 /etc/proofgate-kiosk/kiosk.json
else
  echo "kept: /etc/proofgate-kiosk/kiosk.json"
fi

step "Chromium managed policy"
install -d -m 0755 /etc/chromium/policies/managed
sed -e "s|@APPLIANCE_ORIGIN@|$appliance_origin|g" -e "s|@AGENT_PORT@|$agent_port|g" "$here/proofgate-kiosk-policy.json" \
  > /etc/chromium/policies/managed/proofgate-kiosk.json
chmod 0644 /etc/chromium/policies/managed/proofgate-kiosk.json

step "systemd units"
sed -e "s|/opt/proofgate|$prefix|g" "$here/proofgate-kiosk.service" > /etc/systemd/system/proofgate-kiosk.service
sed -e "s|@APPLIANCE_URL@|$appliance_origin/|g" "$here/proofgate-kiosk-browser.service" > /etc/systemd/system/proofgate-kiosk-browser.service
systemctl daemon-reload
systemctl enable proofgate-kiosk.service proofgate-kiosk-browser.service
systemctl set-default graphical.target

step "next steps"
cat <<NEXT
  sudo -u proofgate-kiosk /usr/bin/node $prefix/dist/src/kiosk/cli/main.js init --config /etc/proofgate-kiosk/kiosk.json > station.pem
  on the appliance:  proofgate station add "Reception kiosk 1" --public-key station.pem   (prints the station id)
  put that id in /etc/proofgate-kiosk/kiosk.json as "stationId", set the camera, scanner and chip keys (docs/kiosk.md), then:
  sudo -u proofgate-kiosk /usr/bin/node $prefix/dist/src/kiosk/cli/main.js selftest --config /etc/proofgate-kiosk/kiosk.json
  systemctl start proofgate-kiosk.service proofgate-kiosk-browser.service
NEXT

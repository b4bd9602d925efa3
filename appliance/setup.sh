#!/usr/bin/env bash
# proofgate set-up, for a fresh Debian 12 machine with Node.js 20.19+ and npm:
#   system packages -> npm ci -> native addon + TypeScript + face models -> embedded SoftHSM token,
#   signing keys and SQLite database (only if absent) -> start the appliance on localhost.
#
#   ./appliance/setup.sh              everything, then leaves the appliance running in the background
#   ./appliance/setup.sh --no-start   everything but the start (CI, image builds)
#
# Stop it with ./appliance/stop.sh. Nothing is downloaded except Debian packages and npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

start=1
for arg in "$@"; do
  case "$arg" in
    --no-start) start=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

step "checking Node.js"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (!((a===20&&b>=19)||a>=22)) { console.error(`proofgate needs Node.js 20.19+ (found ${process.version})`); process.exit(1); }'

# System packages: OpenCV (addon), SoftHSM2 + OpenSC (HSM), Chromium (browser tests), nginx (reverse
# proxy), the OCR-B font (MRZ rendering), the toolchain to build native addons, and the kiosk
# station's device stacks: PC/SC (pcscd, libpcsclite for the chip reader; vsmartcard's virtual reader
# and virtual ePassport for its tests; Debian's vicc needs pycryptodome but does not depend on it) and SANE (scanimage; its test backend for the scanner's tests),
# and PostgreSQL 15 (the store for several nodes; the tests start their own server in a temp directory).
apt_packages=(g++ make cmake ninja-build pkg-config python3 libopencv-dev opencv-data softhsm2 opensc
              chromium nginx fonts-ocr-b libzxing-dev
              pcscd libpcsclite-dev vsmartcard-vpcd vsmartcard-vpicc python3-pycryptodome sane-utils
              postgresql-15)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  step "Debian packages already installed"
fi

step "installing npm packages (npm ci)"
# onnxruntime-node carries its CPU runtime inside the package; its install script would otherwise try to
# fetch GPU binaries from outside the npm registry.
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund

step "building the native addon"
npm run build:native

step "compiling TypeScript"
npm run build:ts

step "building face models from the pinned npm packages"
npm run build:models

step "initialising the embedded HSM token, signing keys and database (kept if present)"
node dist/src/cli/main.js init

if [ "$start" -eq 1 ]; then
  step "starting proofgate"
  ./appliance/start.sh
fi

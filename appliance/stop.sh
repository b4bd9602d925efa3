#!/usr/bin/env bash
# Stops the background proofgate started by start.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f var/proofgate.pid ] && kill -0 "$(cat var/proofgate.pid)" 2>/dev/null; then
  kill "$(cat var/proofgate.pid)"
  for _ in $(seq 1 50); do kill -0 "$(cat var/proofgate.pid)" 2>/dev/null || break; sleep 0.1; done
  echo "proofgate stopped"
else
  echo "proofgate is not running"
fi
rm -f var/proofgate.pid

#!/usr/bin/env bash
# Starts proofgate in the background on its configured address (embedded defaults: 127.0.0.1:8443),
# waits until discovery answers, and checks it with a real OIDC client. Log: var/proofgate.log.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
if [ -f var/proofgate.pid ] && kill -0 "$(cat var/proofgate.pid)" 2>/dev/null; then
  echo "proofgate is already running (pid $(cat var/proofgate.pid))"; exit 0
fi
nohup node dist/src/cli/main.js serve >> var/proofgate.log 2>&1 &
echo $! > var/proofgate.pid
issuer=$(node dist/src/cli/main.js issuer)
for _ in $(seq 1 60); do
  if node scripts/check-discovery.mjs "$issuer" 2>/dev/null; then
    echo "proofgate is running (pid $(cat var/proofgate.pid)); issuer $issuer; log var/proofgate.log; stop with ./appliance/stop.sh"
    exit 0
  fi
  kill -0 "$(cat var/proofgate.pid)" 2>/dev/null || { echo "proofgate exited; last log lines:" >&2; tail -n 20 var/proofgate.log >&2; exit 1; }
  sleep 0.5
done
echo "proofgate did not answer discovery in 30 s; see var/proofgate.log" >&2
node scripts/check-discovery.mjs "$issuer"
exit 1

#!/bin/sh
# Initialise the embedded SoftHSM token (token, 0600 PIN files, first signing key + x5c certificate,
# AES wrapping key, audit MAC key) under server.dataDir. Idempotent: anything already there is kept,
# except a proofgate-written softhsm2.conf naming another data directory's tokens (a restored or copied
# data dir), which is rewritten so the token is found where it now is.
# Same as `proofgate hsm init`; reads the configuration named by PROOFGATE_CONFIG.
set -eu
cd "$(dirname "$0")/.."
umask 077
if [ -f dist/src/cli/main.js ]; then
  exec node dist/src/cli/main.js hsm init "$@"
fi
exec node --import tsx src/cli/main.ts hsm init "$@"

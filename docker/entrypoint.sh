#!/bin/sh
# Container entrypoint: upgrade the schema, then hand the process over to `dojo` (PID 1 gets
# the signals). `dojo-entrypoint console` or any other dojo subcommand works the same way.
set -eu
if [ "${1:-run}" = "run" ]; then
  dojo migrate
fi
exec dojo "$@"

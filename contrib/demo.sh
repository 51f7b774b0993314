#!/bin/sh
# Run a demo container from a busybox bundle made on the fly.
#   contrib/demo.sh [RUNO]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
runo=${1:-$here/../runo}
work=$(mktemp -d /tmp/runo-demo.XXXXXX)
root=$work/state
id=demo-$$
trap 'rm -rf "$work"' EXIT
"$here/mkbundle.sh" "$runo" "$work/bundle"
# No terminal, and a command that shows it is inside its own namespaces.
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"sh", "-c", "echo hello from runo; hostname; ps"/' \
  "$work/bundle/config.json"
status=0
"$runo" --root "$root" run --bundle "$work/bundle" "$id" || status=$?
"$runo" --root "$root" delete --force "$id" 2>/dev/null || true
exit $status

#!/bin/sh
# Make an OCI bundle in DIR: a rootfs holding Debian's static busybox (with
# a link for each applet) and the default config.json from `runo spec`.
#   contrib/mkbundle.sh RUNO DIR
set -eu
runo=$1
dir=$2
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkbundle: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
  { echo "mkbundle: $busybox is not static (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" \
  "$dir/rootfs/tmp" "$dir/rootfs/etc" "$dir/rootfs/root"
cp "$busybox" "$dir/rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$dir/rootfs/bin/$applet" ] || ln -s busybox "$dir/rootfs/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/rootfs/etc/passwd"
echo 'root:x:0:' >"$dir/rootfs/etc/group"
"$runo" spec --bundle "$dir"

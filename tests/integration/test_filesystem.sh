# The container's filesystem (issue 4): rootfs, mounts and their options,
# /dev, masked and read-only paths, mount propagation between the host and
# containers, and images that try to send a mount out of the rootfs.
# Checks are made from inside, on /proc/self/mountinfo and with stat.

# Run bundle $T/bundle with ARGS as its process, in the foreground.
run_in() {
  local args
  args=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
  edit_config "$T/bundle" "d['process']['args'] = $args"
  capture r run --bundle "$T/bundle" "c$RANDOM"
}

# The mountinfo line of mount point $2 in the mountinfo text $1 (the last
# one: the top of a stack).
mount_line() {
  printf '%s\n' "$1" | awk -v m="$2" '$5 == m { line = $0 } END { print line }'
}

# Per-mount options (field 6) of mount point $2, with commas around them.
mount_opts() {
  local l
  l=$(mount_line "$1" "$2")
  [ -n "$l" ] || fail "no mount at $2 in: $1"
  echo ",$(echo "$l" | awk '{print $6}'),"
}

# The optional fields (shared:N master:N unbindable) of mount point $2.
mount_tags() {
  mount_line "$1" "$2" | awk '{ s = ""; for (i = 7; $i != "-"; i++) s = s " " $i; print s }'
}

# Filesystem type and super options of mount point $2.
mount_fs() {
  mount_line "$1" "$2" | awk '{ for (i = 7; $i != "-"; i++) ; print $(i + 1), $(i + 3) }'
}

add_mount() { # BUNDLE-DIR python-dict
  edit_config "$1" "d['mounts'].append($2)"
}

# Let the process mount things (for propagation from inside).
grant_sys_admin() {
  edit_config "$1" '
for k in ("bounding", "effective", "permitted"):
    d["process"]["capabilities"][k].append("CAP_SYS_ADMIN")
'
}

# Mount on the host, undone when the test ends (in any case).
host_mount() {
  local target=${*: -1}
  mount "$@"
  on_exit "umount -l '$target' 2>/dev/null"
}

# $1 made a shared mount point of its own on the host.
host_shared_dir() {
  mkdir -p "$1"
  host_mount --bind "$1" "$1"
  mount --make-shared "$1"
}

host_is_mountpoint() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }

# --- rootfs ------------------------------------------------------------------

test_root_path_relative_and_absolute() {
  make_bundle
  echo bundle-rootfs >"$T/bundle/rootfs/marker"
  run_in cat /marker
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" bundle-rootfs
  # Absolute, outside the bundle; and relative with a subdirectory.
  mkdir -p "$T/elsewhere"
  mv "$T/bundle/rootfs" "$T/elsewhere/fs"
  echo elsewhere >"$T/elsewhere/fs/marker"
  edit_config "$T/bundle" "d['root']['path'] = '$T/elsewhere/fs'"
  run_in cat /marker
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" elsewhere
  mkdir -p "$T/bundle/sub"
  mv "$T/elsewhere/fs" "$T/bundle/sub/fs"
  edit_config "$T/bundle" "d['root']['path'] = 'sub/fs'"
  run_in cat /marker
  assert_eq "$rc" 0 "$err"
  edit_config "$T/bundle" "d['root']['path'] = 'missing'"
  run_in true
  assert_error "missing"
  assert_no_leftovers
}

test_root_readonly() {
  make_bundle
  edit_config "$T/bundle" 'd["root"]["readonly"] = True'
  run_in sh -c 'touch /x 2>&1; cat /proc/self/mountinfo'
  assert_contains "$out" "Read-only file system"
  assert_match "$(mount_opts "$out" /)" ",ro,"
  [ ! -e "$T/bundle/rootfs/x" ] || fail "/x written"
  # Only "/": the tmpfs on /dev/shm stays writable.
  run_in touch /dev/shm/ok
  assert_eq "$rc" 0 "$err"
  edit_config "$T/bundle" 'd["root"]["readonly"] = False'
  run_in touch /x
  assert_eq "$rc" 0 "$err"
  [ -f "$T/bundle/rootfs/x" ] || fail "/x not written with readonly false"
}

test_rootfs_propagation_values() {
  make_bundle
  # The rootfs on a shared mount of the test's own, so that a slave / has
  # a master to show.
  mount --bind "$T/bundle/rootfs" "$T/bundle/rootfs"
  on_exit "umount -l '$T/bundle/rootfs'"
  mount --make-shared "$T/bundle/rootfs"
  local v tags
  # Engines and harnesses write the recursive forms too (runc's defaults).
  for v in private slave shared unbindable rprivate rslave rshared runbindable; do
    edit_config "$T/bundle" "d['linux']['rootfsPropagation'] = '$v'"
    run_in cat /proc/self/mountinfo
    assert_eq "$rc" 0 "$v: $err"
    tags=$(mount_tags "$out" /)
    case ${v#r} in
    shared) assert_match "$tags" "shared:[0-9]+" "$v" ;;
    unbindable) assert_match "$tags" "unbindable" "$v" ;;
    slave)
      assert_match "$tags" "master:[0-9]+" "$v"
      [[ $tags != *shared:* ]] || fail "$v: / is [$tags]"
      ;;
    *) [[ $tags != *shared:* && $tags != *master:* && $tags != *unbindable* ]] || fail "$v: / is [$tags]" ;;
    esac
  done
  edit_config "$T/bundle" "d['linux']['rootfsPropagation'] = 'sideways'"
  run_in true
  assert_error "rootfsPropagation.*sideways"
  assert_no_leftovers
}

test_no_pivot() {
  make_bundle
  echo inside >"$T/bundle/rootfs/marker"
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "cat /marker; ls /; grep -c . /proc/self/mountinfo"]'
  capture r run --no-pivot --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" inside
  # The host's tree is not reachable: / is the rootfs.
  [[ $out != *"runo-it"* && $out != *"home"* ]] || fail "host visible: $out"
  [ ! -e "$T/bundle/rootfs/$T" ] || fail "rootfs changed"
  # create + start too.
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "cat /marker > /dev/shm/x && cat /dev/shm/x"]'
  delete_on_exit c2
  capture r create --no-pivot --bundle "$T/bundle" c2
  assert_eq "$rc" 0 "$err"
  capture r start c2
  assert_eq "$rc" 0 "$err"
  wait_status c2 stopped
  r delete c2
  assert_no_leftovers
}

# --- mounts ------------------------------------------------------------------

test_bind_dirs_and_files() {
  make_bundle
  mkdir -p "$T/src/dir"
  echo in-dir >"$T/src/dir/f"
  echo a-file >"$T/src/file"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/src/dir', 'destination': '/data', 'options': ['bind', 'ro']}"
  # A relative source is taken from the bundle; a missing file destination
  # is created as a file, its parents as directories.
  cp "$T/src/file" "$T/bundle/relfile"
  add_mount "$T/bundle" "{'type': 'none', 'source': 'relfile', 'destination': '/new/dir/file', 'options': ['bind']}"
  add_mount "$T/bundle" "{'source': '$T/src/file', 'destination': '/etc/passwd', 'options': ['rbind', 'rw']}"
  run_in sh -c 'cat /data/f /new/dir/file /etc/passwd; touch /data/x 2>&1; echo hi >>/new/dir/file; cat /proc/self/mountinfo'
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "in-dir
a-file
a-file"
  assert_contains "$out" "Read-only file system"
  assert_match "$(mount_opts "$out" /data)" ",ro,"
  assert_match "$(mount_opts "$out" /etc/passwd)" ",rw,"
  [ -f "$T/bundle/rootfs/new/dir/file" ] || fail "destination file not created"
  [ ! -s "$T/bundle/rootfs/new/dir/file" ] || fail "created destination not empty"
  assert_eq "$(cat "$T/bundle/relfile")" "a-file
hi"
  # A directory bound onto an existing file: the kernel says no.
  edit_config "$T/bundle" "d['mounts'] = d['mounts'][:-3] + [{'type': 'bind', 'source': '$T/src/dir', 'destination': '/etc/passwd', 'options': ['bind']}]"
  run_in true
  assert_error "mounts\[[0-9]+\]: mount \`/etc/passwd\`"
  assert_no_leftovers
}

test_rbind_submounts_and_recursive_attrs() {
  make_bundle
  mkdir -p "$T/src/sub"
  host_mount -t tmpfs -o size=1m tmpfs "$T/src/sub"
  echo top >"$T/src/top"
  echo sub >"$T/src/sub/f"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/src', 'destination': '/b', 'options': ['bind']}"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/src', 'destination': '/rb', 'options': ['rbind', 'ro']}"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/src', 'destination': '/rro', 'options': ['rbind', 'rro']}"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/src', 'destination': '/rnx', 'options': ['rbind', 'rnoexec', 'rnosuid', 'rnodev', 'rnoatime']}"
  run_in sh -c 'ls /b/sub; cat /rb/sub/f; cat /proc/self/mountinfo; touch /rb/sub/w && echo rb-sub-writable; touch /rro/sub/w 2>&1; true'
  assert_eq "$rc" 0 "$err"
  # bind: no submount (empty directory); rbind: the submount comes along.
  [ -z "$(mount_line "$out" /b/sub)" ] || fail "bind took the submount"
  assert_contains "$out" sub
  # ro applies to the top mount only, rro to every mount of the tree.
  assert_match "$(mount_opts "$out" /rb)" ",ro,"
  assert_match "$(mount_opts "$out" /rb/sub)" ",rw,"
  assert_contains "$out" rb-sub-writable
  assert_match "$(mount_opts "$out" /rro)" ",ro,"
  assert_match "$(mount_opts "$out" /rro/sub)" ",ro,"
  assert_contains "$out" "touch: /rro/sub/w: Read-only file system"
  local o
  for o in "$(mount_opts "$out" /rnx)" "$(mount_opts "$out" /rnx/sub)"; do
    assert_match "$o" ",nosuid,"
    assert_match "$o" ",nodev,"
    assert_match "$o" ",noexec,"
    assert_match "$o" ",noatime,"
  done
  # The host's submount is untouched.
  assert_eq "$(cat "$T/src/sub/w")" ""
  assert_match "$(awk -v m="$T/src/sub" '$5 == m {print $6}' /proc/self/mountinfo)" "^rw"
}

test_filesystem_types() {
  make_bundle
  # Drop the default mounts of the types under test, mount them elsewhere.
  add_mount "$T/bundle" "{'type': 'proc', 'source': 'proc', 'destination': '/mnt/proc'}"
  add_mount "$T/bundle" "{'type': 'sysfs', 'source': 'sysfs', 'destination': '/mnt/sys', 'options': ['ro']}"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/mnt/tmp', 'options': ['size=1m', 'mode=1730', 'uid=12', 'gid=34']}"
  add_mount "$T/bundle" "{'type': 'devpts', 'source': 'devpts', 'destination': '/mnt/pts', 'options': ['newinstance', 'ptmxmode=0666']}"
  add_mount "$T/bundle" "{'type': 'mqueue', 'source': 'mqueue', 'destination': '/mnt/mq'}"
  add_mount "$T/bundle" "{'type': 'cgroup', 'source': 'cgroup', 'destination': '/mnt/cg', 'options': ['ro', 'nosuid']}"
  run_in sh -c 'cat /mnt/proc/self/comm; ls /mnt/sys/kernel >/dev/null && echo sys-ok; stat -c "%a %u %g" /mnt/tmp; ls /mnt/cg; cat /proc/self/mountinfo'
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "cat
sys-ok
1730 12 34"
  assert_match "$(mount_fs "$out" /mnt/proc)" "^proc "
  assert_match "$(mount_fs "$out" /mnt/sys)" "^sysfs ro"
  assert_match "$(mount_fs "$out" /mnt/tmp)" "^tmpfs .*size=1024k"
  assert_match "$(mount_fs "$out" /mnt/pts)" "^devpts .*ptmxmode=666"
  assert_match "$(mount_fs "$out" /mnt/mq)" "^mqueue "
  local cg
  cg=$(awk '$5 == "/sys/fs/cgroup" {print $9}' /proc/self/mountinfo)
  if [ "$cg" = cgroup2 ]; then
    assert_match "$(mount_fs "$out" /mnt/cg)" "^cgroup2 "
  else
    # cgroup v1: the hierarchies of the host, each read-only.
    assert_contains "$out" memory
    assert_match "$(mount_opts "$out" /mnt/cg/memory)" ",ro,nosuid,"
    assert_match "$(mount_fs "$out" /mnt/cg/memory)" "^cgroup "
  fi
  # A type the kernel does not know.
  add_mount "$T/bundle" "{'type': 'nosuchfs', 'source': 'x', 'destination': '/mnt/x'}"
  run_in true
  assert_error "mount \`/mnt/x\`.*nosuchfs"
  assert_no_leftovers
}

test_mount_flags() {
  make_bundle
  local i=0 o
  for o in ro nosuid nodev noexec noatime strictatime nodiratime relatime; do
    add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/t/$o', 'options': ['$o']}"
    add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/bundle/rootfs/bin', 'destination': '/b/$o', 'options': ['bind', '$o']}"
  done
  # Later options win; rw undoes ro; remount changes an existing mount.
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/t/rw', 'options': ['ro', 'noexec', 'rw', 'exec']}"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/t/sync', 'options': ['sync', 'dirsync']}"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/bundle/rootfs/bin', 'destination': '/b/re', 'options': ['bind']}"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/bundle/rootfs/bin', 'destination': '/b/re', 'options': ['remount', 'bind', 'ro', 'nosuid']}"
  run_in sh -c 'cp /bin/busybox /t/noexec/; /t/noexec/busybox true 2>&1; /b/noexec/true 2>&1; cp /bin/busybox /t/rw/ && /t/rw/busybox echo exec-ok; cat /proc/self/mountinfo'
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "/t/noexec/busybox: Permission denied"
  assert_contains "$out" "/b/noexec/true: Permission denied"
  assert_contains "$out" "exec-ok"
  for o in ro nosuid nodev noexec noatime nodiratime relatime; do
    assert_match "$(mount_opts "$out" "/t/$o")" ",$o," "tmpfs $o"
    assert_match "$(mount_opts "$out" "/b/$o")" ",$o," "bind $o"
  done
  # strictatime shows as the absence of relatime/noatime.
  for o in "$(mount_opts "$out" /t/strictatime)" "$(mount_opts "$out" /b/strictatime)"; do
    [[ $o != *relatime* && $o != *noatime* ]] || fail "strictatime: $o"
  done
  assert_match "$(mount_opts "$out" /t/rw)" ",rw,"
  [[ $(mount_opts "$out" /t/rw) != *noexec* ]] || fail "exec did not undo noexec"
  # Superblock flags: with the filesystem's options.
  assert_match "$(mount_fs "$out" /t/sync)" ",sync,dirsync"
  assert_match "$(mount_opts "$out" /b/re)" ",ro,nosuid,"
}

test_nosuid_ignores_setuid_bit() {
  # A setuid-root program printing its effective uid, run as uid 1000
  # (busybox drops setuid itself, so a program of our own).
  command -v gcc >/dev/null || { echo "no gcc: mount flags checked in test_mount_flags only"; return 0; }
  mkdir -p "$T/suid"
  printf '#include <stdio.h>\n#include <unistd.h>\nint main (void) { printf ("%%d\\n", (int) geteuid ()); return 0; }\n' >"$T/euid.c"
  gcc -static -o "$T/suid/euid" "$T/euid.c" || { echo "no static libc: skipped"; return 0; }
  chmod 4755 "$T/suid/euid"
  make_bundle
  edit_config "$T/bundle" '
d["process"]["user"] = {"uid": 1000, "gid": 1000}
d["process"]["noNewPrivileges"] = False
'
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/suid', 'destination': '/suid', 'options': ['bind', 'suid']}"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/suid', 'destination': '/nosuid', 'options': ['bind', 'nosuid']}"
  run_in sh -c '/suid/euid; /nosuid/euid'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "0
1000"
}

test_bind_propagation_flags() {
  make_bundle
  local p
  for p in shared rshared slave private rprivate unbindable runbindable; do
    add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/bundle/rootfs/bin', 'destination': '/p/$p', 'options': ['rbind', '$p']}"
  done
  run_in cat /proc/self/mountinfo
  assert_eq "$rc" 0 "$err"
  assert_match "$(mount_tags "$out" /p/shared)" "shared:"
  assert_match "$(mount_tags "$out" /p/rshared)" "shared:"
  assert_match "$(mount_tags "$out" /p/unbindable)" "unbindable"
  assert_match "$(mount_tags "$out" /p/runbindable)" "unbindable"
  # The source is private on the host: slave of nothing is private.
  for p in slave private rprivate; do
    [[ $(mount_tags "$out" "/p/$p") != *shared* ]] || fail "$p"
  done
  add_mount "$T/bundle" "{'type': 'bind', 'source': '/bin', 'destination': '/p/x', 'options': ['bind', 'nosuchoption']}"
  run_in true
  assert_error "mounts\[[0-9]+\]\.options: unknown option \"nosuchoption\""
}

test_tmpcopyup() {
  make_bundle
  mkdir -p "$T/bundle/rootfs/data/sub"
  echo orig >"$T/bundle/rootfs/data/sub/f"
  ln -s sub/f "$T/bundle/rootfs/data/link"
  chmod 0711 "$T/bundle/rootfs/data"
  chown 7:8 "$T/bundle/rootfs/data/sub/f"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/data', 'options': ['tmpcopyup', 'size=1m']}"
  run_in sh -c 'cat /data/link; stat -c "%a" /data; stat -c "%u:%g" /data/sub/f; echo new >/data/new; cat /data/new; grep " /data " /proc/self/mountinfo'
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "orig
711
7:8
new"
  assert_match "$(mount_fs "$out" /data)" "^tmpfs "
  assert_eq "$(cat "$T/bundle/rootfs/data/sub/f")" orig
  # Only for tmpfs.
  add_mount "$T/bundle" "{'type': 'bind', 'source': '/bin', 'destination': '/x', 'options': ['bind', 'tmpcopyup']}"
  run_in true
  assert_error "tmpcopyup"
}

test_idmapped_bind_in_user_namespace() {
  make_bundle
  mkdir -p "$T/shared"
  touch "$T/shared/root-file" "$T/shared/user-file"
  chown 1000:1001 "$T/shared/user-file"
  # The rootfs belongs to the container's root.
  chown -R 100000:100000 "$T/bundle/rootfs"
  chmod 755 "$T" "$T/bundle" "$T/shared"
  edit_config "$T/bundle" '
d["linux"]["namespaces"].append({"type": "user"})
d["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
d["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
d["mounts"] = [m for m in d["mounts"] if m["type"] not in ("sysfs", "cgroup")]
'
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/shared', 'destination': '/plain', 'options': ['bind']}"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/shared', 'destination': '/idmapped', 'options': ['bind', 'idmap']}"
  run_in sh -c 'stat -c "%n %u:%g" /plain/* /idmapped/*; touch /idmapped/new'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "/plain/root-file 65534:65534
/plain/user-file 65534:65534
/idmapped/root-file 0:0
/idmapped/user-file 1000:1001"
  # Written through the idmapped mount as the container's root: host root.
  assert_eq "$(stat -c %u:%g "$T/shared/new")" "0:0"
  assert_no_leftovers
}

test_idmapped_bind_with_mount_mappings() {
  mkdir -p "$T/shared"
  touch "$T/shared/root-file" "$T/shared/user-file"
  chown 1000:1001 "$T/shared/user-file"
  # Explicit mappings on the mount, without a user namespace.
  make_bundle "$T/b2"
  add_mount "$T/b2" "{'type': 'bind', 'source': '$T/shared', 'destination': '/m', 'options': ['bind', 'idmap'], 'uidMappings': [{'containerID': 0, 'hostID': 500, 'size': 2000}], 'gidMappings': [{'containerID': 0, 'hostID': 600, 'size': 2000}]}"
  edit_config "$T/b2" 'd["process"]["args"] = ["stat", "-c", "%n %u:%g", "/m/root-file", "/m/user-file"]'
  capture r run --bundle "$T/b2" c2
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "/m/root-file 500:600
/m/user-file 1500:1601"
  # idmap without mappings nor user namespace: an error.
  edit_config "$T/b2" 'd["mounts"][-1] = {"type": "bind", "source": "/bin", "destination": "/m", "options": ["bind", "idmap"]}'
  capture r run --bundle "$T/b2" c3
  assert_error "idmap"
  assert_no_leftovers
}

test_destinations_created_inside_rootfs() {
  make_bundle
  rm -rf "$T/bundle/rootfs/tmp"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/tmp/a/b/c'}"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': 'relative/dest'}"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/../../dotdot'}"
  run_in sh -c 'grep -o " /tmp/a/b/c \| /relative/dest \| /dotdot " /proc/self/mountinfo'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" " /tmp/a/b/c 
 /relative/dest 
 /dotdot "
  [ -d "$T/bundle/rootfs/tmp/a/b/c" ] || fail "not created in the rootfs"
  [ -d "$T/bundle/rootfs/dotdot" ] || fail "/../../dotdot not in the rootfs"
  [ ! -e "$T/bundle/dotdot" ] && [ ! -e "$T/dotdot" ] || fail "created outside the rootfs"
}

# --- /dev ----------------------------------------------------------------------

test_linux_devices() {
  make_bundle
  edit_config "$T/bundle" '
d["linux"]["devices"] = [
  {"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 0o600, "uid": 1000, "gid": 1001},
  {"path": "/dev/sub/myzero", "type": "c", "major": 1, "minor": 5},
  {"path": "/dev/myloop", "type": "b", "major": 7, "minor": 0, "fileMode": 0o640},
  {"path": "/dev/myfifo", "type": "p", "fileMode": 0o620},
]
d["linux"]["resources"]["devices"].append({"allow": True, "type": "c", "major": 1, "minor": 5, "access": "rwm"})
'
  run_in sh -c 'stat -c "%n %F %a %u:%g %t:%T" /dev/mynull /dev/sub/myzero /dev/myloop /dev/myfifo; head -c 3 /dev/sub/myzero | od -An -tx1'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "/dev/mynull character special file 600 1000:1001 1:3
/dev/sub/myzero character special file 666 0:0 1:5
/dev/myloop block special file 640 0:0 7:0
/dev/myfifo fifo 620 0:0 0:0
 00 00 00"
  edit_config "$T/bundle" 'd["linux"]["devices"] = [{"path": "/dev/bad", "type": "x", "major": 1, "minor": 3}]'
  run_in true
  assert_error "linux.devices\[0\].type"
}

test_default_devices_and_links() {
  make_bundle
  run_in sh -c '
for d in null zero full random urandom tty; do stat -c "%n %F %a %t:%T" /dev/$d; done
for l in ptmx fd stdin stdout stderr core; do echo "$l -> $(readlink /dev/$l)"; done
echo x >/dev/null && head -c 2 /dev/zero | od -An -tx1 && head -c 8 /dev/urandom | wc -c
echo x 2>&1 >/dev/full | grep -o "No space left on device"
ls /dev/fd/ >/dev/null && echo fd-ok
stat -c "pts %d" /dev/pts; stat -c "%F" /dev/pts/ptmx'
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "/dev/null character special file 666 1:3
/dev/zero character special file 666 1:5
/dev/full character special file 666 1:7
/dev/random character special file 666 1:8
/dev/urandom character special file 666 1:9
/dev/tty character special file 666 5:0
ptmx -> pts/ptmx
fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2
core -> /proc/kcore
 00 00
8
No space left on device
fd-ok"
  assert_contains "$out" "character special file"
  # /dev/pts: a devpts instance of its own, not the host's.
  local inside host
  inside=$(printf '%s\n' "$out" | awk '$1 == "pts" {print $2}')
  host=$(stat -c %d /dev/pts)
  [ -n "$inside" ] && [ "$inside" != "$host" ] || fail "/dev/pts is the host's ($inside)"
}

test_dev_console_with_terminal() {
  make_bundle
  # A console socket receiver: takes the pty master, reads what the
  # container writes on it until it exits.
  python3 - "$T/console.sock" "$T/console.out" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(10)
c, _ = s.accept()
_, fds, _, _ = socket.recv_fds(c, 1024, 1)
out = open(sys.argv[2], "wb")
while True:
    try:
        b = os.read(fds[0], 4096)
    except OSError:
        break
    if not b:
        break
    out.write(b); out.flush()
PY
  local receiver=$!
  on_exit "kill $receiver 2>/dev/null; wait $receiver 2>/dev/null"
  local i
  for i in $(seq 50); do [ -S "$T/console.sock" ] && break; sleep 0.1; done
  edit_config "$T/bundle" '
d["process"]["terminal"] = True
d["process"]["args"] = ["sh", "-c", "stat -c \"%F %t\" /dev/console; readlink /proc/self/fd/0; tty; grep -c \" /dev/console \" /proc/self/mountinfo"]
'
  capture r run --console-socket "$T/console.sock" --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  wait "$receiver" || true
  local text
  text=$(tr -d '\r' <"$T/console.out")
  # A pty (major 136 = 0x88), bound on /dev/console, and the process's tty.
  assert_contains "$text" "character special file 88"
  assert_match "$text" "/dev/pts/[0-9]+"
  assert_match "$text" $'\n1$'
  assert_no_leftovers
}

# --- maskedPaths, readonlyPaths -------------------------------------------------

test_masked_paths() {
  make_bundle
  mkdir -p "$T/bundle/rootfs/secret-dir"
  echo hidden >"$T/bundle/rootfs/secret-dir/f"
  echo hidden >"$T/bundle/rootfs/secret-file"
  edit_config "$T/bundle" '
d["root"]["readonly"] = False
d["linux"]["maskedPaths"] += ["/secret-dir", "/secret-file", "/does/not/exist"]
'
  run_in sh -c 'cat /secret-file; echo "[$(ls -A /secret-dir)]"; touch /secret-dir/x 2>&1; echo y >/secret-file && cat /secret-file; grep " /secret-dir " /proc/self/mountinfo; cat /proc/kcore /proc/keys 2>/dev/null | wc -c'
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "[]"
  assert_contains "$out" "Read-only file system"
  [[ $out != *hidden* ]] || fail "masked content visible: $out"
  assert_match "$(mount_fs "$out" /secret-dir)" "^tmpfs ro"
  assert_match "$out" $'\n0$'
  assert_eq "$(cat "$T/bundle/rootfs/secret-file")" hidden
  # A path that is not absolute is an error.
  edit_config "$T/bundle" 'd["linux"]["maskedPaths"] = ["relative"]'
  run_in true
  assert_error "maskedPaths"
}

test_readonly_paths() {
  make_bundle
  mkdir -p "$T/bundle/rootfs/ro-dir" "$T/bundle/rootfs/rw-dir"
  touch "$T/bundle/rootfs/ro-file"
  edit_config "$T/bundle" '
d["root"]["readonly"] = False
d["linux"]["readonlyPaths"] += ["/ro-dir", "/ro-file", "/no/such/path"]
'
  run_in sh -c 'touch /ro-dir/x 2>&1; echo x 2>&1 >/ro-file; touch /rw-dir/x && echo rw-ok; echo 1 2>&1 >/proc/sys/kernel/domainname; true'
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "touch: /ro-dir/x: Read-only file system"
  assert_match "$out" "/ro-file: .*Read-only file system"
  assert_contains "$out" rw-ok
  assert_match "$out" "domainname: .*Read-only file system"
  [ ! -e "$T/bundle/rootfs/ro-dir/x" ] || fail "written"
}

# --- mount propagation with the host and two containers ------------------------

# Container $1 (bundle $T/$1) polls for a path for up to 10 s, printing
# "seen" or "not seen"; its output is in $T/$1.out once "ready" is there.
start_poller() {
  local id=$1 path=$2 i
  edit_config "$T/$id" "d['process']['args'] = ['sh', '-c', 'echo ready; i=0; while [ ! -e $path ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done; [ -e $path ] && echo seen || echo not seen']"
  "$RUNO" --root "$ROOT" run --bundle "$T/$id" "$id" >"$T/$id.out" 2>&1 &
  eval "pid_$id=$!"
  on_exit "kill -9 $! 2>/dev/null"
  delete_on_exit "$id"
  for i in $(seq 50); do grep -q ready "$T/$id.out" && return 0; sleep 0.1; done
  fail "$id did not start: $(cat "$T/$id.out")"
}

# Wait for poller $1, leave its last line in $result.
poller_wait() {
  local id=$1 p
  p=$(eval echo "\$pid_$id")
  wait "$p" || fail "$id: $(cat "$T/$id.out")"
  result=$(tail -n 1 "$T/$id.out")
}

test_propagation_host_mount_reaches_rshared_and_rslave() {
  local D=$T/shared
  host_shared_dir "$D"
  mkdir -p "$D/sub"
  local id opt
  for id in a b c; do
    case $id in a) opt=rshared ;; b) opt=rslave ;; c) opt=rprivate ;; esac
    make_bundle "$T/$id"
    add_mount "$T/$id" "{'type': 'bind', 'source': '$D', 'destination': '/mnt', 'options': ['rbind', '$opt']}"
  done
  start_poller a /mnt/sub/marker
  start_poller b /mnt/sub/marker
  # c gives up after a second: long enough for a propagation that is not coming.
  edit_config "$T/c" "d['process']['args'] = ['sh', '-c', 'echo ready; sleep 1.5; [ -e /mnt/sub/marker ] && echo seen || echo not seen']"
  "$RUNO" --root "$ROOT" run --bundle "$T/c" c >"$T/c.out" 2>&1 &
  pid_c=$!
  on_exit "kill -9 $pid_c 2>/dev/null"
  delete_on_exit c
  local i
  for i in $(seq 50); do grep -q ready "$T/c.out" && break; sleep 0.1; done
  # Mounted on the host after the containers started.
  host_mount -t tmpfs -o size=1m tmpfs "$D/sub"
  touch "$D/sub/marker"
  poller_wait a
  assert_eq "$result" seen
  poller_wait b
  assert_eq "$result" seen
  poller_wait c
  assert_eq "$result" "not seen"
  umount "$D/sub"
  assert_no_leftovers
}

test_propagation_container_mount_stays_in_rslave_and_rprivate() {
  local D=$T/shared
  host_shared_dir "$D"
  mkdir -p "$D/fromc"
  local opt
  for opt in rslave rprivate rshared; do
    rm -rf "$T/bundle"
    make_bundle
    grant_sys_admin "$T/bundle"
    add_mount "$T/bundle" "{'type': 'bind', 'source': '$D', 'destination': '/mnt', 'options': ['rbind', '$opt']}"
    # The mount is made, then the host looks while the container lives.
    edit_config "$T/bundle" "d['process']['args'] = ['sh', '-c', 'mount -t tmpfs tmpfs /mnt/fromc && touch /mnt/fromc/marker && echo mounted && sleep 1']"
    "$RUNO" --root "$ROOT" run --bundle "$T/bundle" "c-$opt" >"$T/out" 2>&1 &
    local pid=$! i
    on_exit "kill -9 $pid 2>/dev/null"
    delete_on_exit "c-$opt"
    for i in $(seq 50); do grep -q mounted "$T/out" && break; sleep 0.1; done
    grep -q mounted "$T/out" || fail "$opt: $(cat "$T/out")"
    ! host_is_mountpoint "$D/fromc" || fail "$opt: container mount reached the host"
    [ ! -e "$D/fromc/marker" ] || fail "$opt: marker on the host"
    wait $pid || fail "$opt: $(cat "$T/out")"
  done
  assert_no_leftovers
}

test_propagation_rootfs_shared_reaches_host_and_peer() {
  local D=$T/shared
  host_shared_dir "$D"
  mkdir -p "$D/fromc"
  on_exit "umount -l '$D/fromc' 2>/dev/null"
  # b: a second container (rslave) that sees what a mounts, via the host.
  make_bundle "$T/b"
  add_mount "$T/b" "{'type': 'bind', 'source': '$D', 'destination': '/mnt', 'options': ['rbind', 'rslave']}"
  start_poller b /mnt/fromc/marker
  make_bundle "$T/a"
  grant_sys_admin "$T/a"
  edit_config "$T/a" "d['linux']['rootfsPropagation'] = 'shared'"
  add_mount "$T/a" "{'type': 'bind', 'source': '$D', 'destination': '/mnt', 'options': ['rbind', 'rshared']}"
  edit_config "$T/a" "d['process']['args'] = ['sh', '-c', 'mount -t tmpfs tmpfs /mnt/fromc && touch /mnt/fromc/marker && echo mounted']"
  capture r run --bundle "$T/a" a
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" mounted
  # The container is gone; its mount lives on in its peer, the host.
  host_is_mountpoint "$D/fromc" || fail "mount made in the container did not reach the host"
  [ -e "$D/fromc/marker" ] || fail "no marker on the host"
  poller_wait b
  assert_eq "$result" seen
  umount "$D/fromc"
  # The rootfs and the container's own mounts did not reach the host.
  ! grep -qF "$T/a/rootfs" /proc/self/mountinfo || fail "rootfs mount on the host"
  assert_no_leftovers
}

# --- attacks ------------------------------------------------------------------

test_attack_symlink_destination_to_host() {
  # What escapes would land on: a shared mount of the host, with the
  # container's root shared too, so that a mount there would propagate.
  local H=$T/host-target
  host_shared_dir "$H"
  echo host-data >"$H/file"
  make_bundle
  edit_config "$T/bundle" "d['linux']['rootfsPropagation'] = 'shared'"
  ln -s / "$T/bundle/rootfs/evil"
  ln -s "$H" "$T/bundle/rootfs/evil2"
  ln -s ../../../../../../../../.. "$T/bundle/rootfs/evil3"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/evil$H'}"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/evil2/newdir'}"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/bundle/rootfs/bin', 'destination': '/evil3$H/bin', 'options': ['rbind']}"
  edit_config "$T/bundle" "d['linux']['devices'] = [{'path': '/evil2/dev-null', 'type': 'c', 'major': 1, 'minor': 3}]"
  run_in sh -c "grep -o ' $H[^ ]* ' /proc/self/mountinfo; ls /evil2"
  assert_eq "$rc" 0 "$err"
  # Inside: the mounts are on the container's paths.
  assert_contains "$out" " $H "
  assert_contains "$out" " $H/newdir "
  assert_contains "$out" " $H/bin "
  # The host: same content, no mount under it.
  assert_eq "$(ls -A "$H")" file
  assert_eq "$(cat "$H/file")" host-data
  [ "$(awk -v m="$H" 'index($5, m) == 1' /proc/self/mountinfo | wc -l)" = 1 ] || fail "mount under $H on the host"
  # Everything was made inside the rootfs instead.
  [ -d "$T/bundle/rootfs/$H" ] || fail "not created inside the rootfs"
  # proc on a symlink: refused.
  rm -rf "$T/bundle/rootfs/proc"
  ln -s "/evil$H" "$T/bundle/rootfs/proc"
  run_in true
  assert_error "must not be a symlink"
  assert_eq "$(ls -A "$H")" file
  assert_no_leftovers
}

test_attack_symlink_swapped_during_create() {
  local H=$T/host-target
  host_shared_dir "$H"
  echo host-data >"$H/file"
  make_bundle
  edit_config "$T/bundle" "d['linux']['rootfsPropagation'] = 'shared'"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/target/sub'}"
  add_mount "$T/bundle" "{'type': 'bind', 'source': '$T/bundle/rootfs/bin', 'destination': '/target/bin', 'options': ['bind']}"
  mkdir -p "$T/bundle/rootfs/target"
  ln -s "$H" "$T/bundle/rootfs/alt"
  # Swap rootfs/target between a directory and a symlink to the host
  # directory, atomically and as fast as possible, until told to stop.
  python3 - "$T/bundle/rootfs" "$T/stop" <<'PY' &
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
os.chdir(sys.argv[1])
end = time.time() + 20
while not os.path.exists(sys.argv[2]) and time.time() < end:
    libc.renameat2(-100, b"target", -100, b"alt", 2)  # RENAME_EXCHANGE
PY
  local swapper=$!
  on_exit "touch '$T/stop'; kill $swapper 2>/dev/null; wait $swapper 2>/dev/null"
  edit_config "$T/bundle" 'd["process"]["args"] = ["true"]'
  local i ok=0 start=$SECONDS
  for i in $(seq 30); do
    if r run --bundle "$T/bundle" "race$i" >/dev/null 2>&1; then ok=$((ok + 1)); fi
    [ $((SECONDS - start)) -lt 10 ] || break
  done
  touch "$T/stop"
  wait $swapper
  echo "$ok of $i runs succeeded"
  assert_eq "$(ls -A "$H")" file
  assert_eq "$(cat "$H/file")" host-data
  [ "$(awk -v m="$H" 'index($5, m) == 1' /proc/self/mountinfo | wc -l)" = 1 ] || fail "mount under $H on the host"
  [ $ok -gt 0 ] || fail "no run succeeded"
  assert_no_leftovers
}

# What --privileged engines send: the host's nodes in linux.devices,
# /dev/ptmx and default devices among them.  They are made first; the
# defaults leave them alone and /dev/ptmx is still the container's devpts.
test_config_devices_at_default_paths() {
  make_bundle
  edit_config "$T/bundle" '
d["linux"]["devices"] = [
  {"path": "/dev/ptmx", "type": "c", "major": 5, "minor": 2, "fileMode": 438, "uid": 0, "gid": 0},
  {"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 0, "gid": 0},
  {"path": "/dev/full", "type": "c", "major": 1, "minor": 7, "fileMode": 438}]
d["linux"]["resources"] = {"devices": [{"allow": True, "access": "rwm"}]}
d["process"]["args"] = ["sh", "-c", "readlink /dev/ptmx; stat -c %a /dev/null; echo x > /dev/null && echo null-ok"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" $'pts/ptmx\n660\nnull-ok'
}

# Podman writes the whole st_mode as fileMode (8630 = S_IFCHR|0666): the
# permission bits are used, the file type comes from "type".
test_device_file_mode_with_type_bits() {
  make_bundle
  edit_config "$T/bundle" '
d["linux"]["devices"] = [{"path": "/dev/fuzzy", "type": "c", "major": 1, "minor": 5, "fileMode": 8630}]
d["linux"]["resources"] = {"devices": [{"allow": True, "type": "c", "major": 1, "minor": 5, "access": "rwm"}]}
d["process"]["args"] = ["stat", "-c", "%A %t:%T", "/dev/fuzzy"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "crw-rw-rw- 1:5"
}

# A tmpfs without mode= keeps the mode of the mount point the image has
# (runc's rule); on a mount point runo makes it keeps tmpfs's own 1777;
# an explicit mode= always wins, with tmpcopyup too (podman --tmpfs
# /x:mode=1777 ended 0755: the mode of the directory runo had just made).
test_tmpfs_modes() {
  make_bundle
  mkdir -p "$T/bundle/rootfs/img"
  chmod 0750 "$T/bundle/rootfs/img"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/img', 'options': ['size=1m']}"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/new', 'options': ['size=1m']}"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/newc', 'options': ['size=1m', 'tmpcopyup', 'mode=1777']}"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/imgm', 'options': ['size=1m', 'mode=0777']}"
  mkdir -p "$T/bundle/rootfs/imgm" "$T/bundle/rootfs/imgc"
  chmod 0700 "$T/bundle/rootfs/imgm" "$T/bundle/rootfs/imgc"
  add_mount "$T/bundle" "{'type': 'tmpfs', 'source': 'tmpfs', 'destination': '/imgc', 'options': ['size=1m', 'tmpcopyup', 'mode=0775']}"
  run_in stat -c '%n %a' /img /new /newc /imgm /imgc
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" $'/img 750\n/new 1777\n/newc 1777\n/imgm 777\n/imgc 775'
}

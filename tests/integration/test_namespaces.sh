# linux.namespaces: new ones differ from the host's, joined ones are the
# very namespace given, and the classic effects are visible from inside.

test_new_namespaces_differ_from_host() {
  make_bundle
  edit_config "$T/bundle" '
d["process"]["args"] = ["sleep", "1000"]
d["linux"]["namespaces"].append({"type": "time"})'
  delete_on_exit c1
  r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  local pid ns
  pid=$(cat "$T/pid")
  for ns in pid mnt net ipc uts cgroup; do
    [ "$(ns_inode "$pid" "$ns")" != "$(ns_inode self "$ns")" ] || fail "$ns namespace is the host's"
  done
  # A time namespace applies to children of its creator; init was born in it.
  [ "$(ns_inode "$pid" time)" != "$(ns_inode self time)" ] || fail "time namespace is the host's"
  # Not asked for: the host's user namespace.
  assert_eq "$(ns_inode "$pid" user)" "$(ns_inode self user)"
  r delete c1
}

test_pid_namespace_ps_shows_pid_1_only() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["ps", "-o", "pid,args"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$(printf '%s\n' "$out" | sed 1d | awk '{print $1, $2}')" "1 ps"
}

test_hostname_and_domainname() {
  make_bundle
  edit_config "$T/bundle" '
d["hostname"] = "box-1"
d["domainname"] = "example.test"
d["process"]["args"] = ["sh", "-c", "hostname; cat /proc/sys/kernel/domainname"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" $'box-1\nexample.test'
  [ "$(hostname)" != box-1 ] || fail "host hostname changed"
}

test_ipc_namespace_hides_host_queue() {
  local qid
  qid=$(ipcmk -Q | awk '{print $NF}')
  on_exit "ipcrm -q $qid"
  ipcs -q | grep -qw "$qid" || fail "host queue not made"
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "cat /proc/sysvipc/msg | wc -l"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" 1 # the header line only
}

test_join_network_namespace_by_path() {
  local name=runo-t-$$-net
  ip netns add "$name"
  on_exit "ip netns del $name"
  make_bundle
  edit_config "$T/bundle" "
d['process']['args'] = ['sleep', '1000']
d['linux']['namespaces'] = [n for n in d['linux']['namespaces'] if n['type'] != 'network']
d['linux']['namespaces'].append({'type': 'network', 'path': '/run/netns/$name'})"
  delete_on_exit c1
  capture r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$(ns_inode "$(cat "$T/pid")" net)" "$(stat -L -c %i "/run/netns/$name")"
  r delete c1
}

test_new_network_namespace_has_lo_up() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "ip -o link show | cut -d: -f2 | tr -d \" \"; ip -o link show lo"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$(printf '%s\n' "$out" | head -n1)" lo
  assert_match "$out" 'lo: <LOOPBACK,UP'
}

test_user_namespace_mappings() {
  make_bundle
  chown -R 100000:100000 "$T/bundle/rootfs"
  chmod 755 "$T" "$T/bundle" # the container's root is uid 100000 on the host
  edit_config "$T/bundle" '
d["process"]["args"] = ["sleep", "1000"]
d["linux"]["namespaces"].append({"type": "user"})
d["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
d["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
d["mounts"] = [m for m in d["mounts"] if m["destination"] not in ("/sys", "/sys/fs/cgroup")]'
  delete_on_exit c1
  capture r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  assert_eq "$rc" 0 "$err"
  local pid
  pid=$(cat "$T/pid")
  assert_eq "$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map")" "0 100000 65536"
  assert_eq "$(awk '{print $1, $2, $3}' "/proc/$pid/gid_map")" "0 100000 65536"
  [ "$(ns_inode "$pid" user)" != "$(ns_inode self user)" ] || fail "user namespace is the host's"
  # Seen from the host, the container's root is uid 100000.
  assert_eq "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" 100000
  r delete c1
}

test_sysctl_in_container_namespaces() {
  make_bundle
  local host_value
  host_value=$(cat /proc/sys/net/ipv4/ip_forward)
  edit_config "$T/bundle" '
d["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1", "kernel.msgmax": "4242"}
d["process"]["args"] = ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" $'1\n4242'
  assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_value"
}

test_time_namespace_offsets() {
  make_bundle
  edit_config "$T/bundle" '
d["linux"]["namespaces"].append({"type": "time"})
d["linux"]["timeOffsets"] = {"boottime": {"secs": 864000000}, "monotonic": {"secs": 86400}}
d["process"]["args"] = ["cat", "/proc/uptime"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  local up=${out%%.*}
  [ "$up" -ge 864000000 ] || fail "uptime $up has no boottime offset"
}

# The way engines wire networking: a createRuntime hook makes a veth pair in
# the runtime's network namespace, moves one end into the container's and
# gives both addresses; the container sees its end up and reaches the other.
# Everything happens inside a network namespace the test owns.
test_create_runtime_hook_wires_veth() {
  local hostns=runo-t-$$-h
  ip netns add "$hostns"
  on_exit "ip netns del $hostns"
  make_bundle
  cat >"$T/hook.sh" <<'HOOK'
#!/bin/sh
pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
ip link add rh0 type veth peer name rc0
ip link set rc0 netns "$pid"
ip addr add 10.231.0.1/30 dev rh0
ip link set rh0 up
nsenter -t "$pid" -n ip addr add 10.231.0.2/30 dev rc0
nsenter -t "$pid" -n ip link set rc0 up
HOOK
  chmod +x "$T/hook.sh"
  edit_config "$T/bundle" "
d['hooks'] = {'createRuntime': [{'path': '$T/hook.sh'}]}
for s in ('bounding', 'effective', 'permitted'):
    d['process']['capabilities'][s].append('CAP_NET_RAW')  # busybox ping
d['process']['args'] = ['sh', '-c', 'ip -o addr show rc0; ping -c 1 -W 2 10.231.0.1 >/dev/null && echo reached']"
  # nsenter, not `ip netns exec`, which remounts /sys and so hides cgroups.
  capture nsenter --net="/run/netns/$hostns" "$RUNO" --root "$ROOT" run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_match "$out" 'rc0 +inet 10\.231\.0\.2/30'
  assert_contains "$out" reached
}

# linux.netDevices: a host interface moved into the container, renamed,
# with its address.  "Host" here is a network namespace the test owns, in
# which runo runs.
test_net_devices_moved_in() {
  local hostns=runo-t-$$-nd
  ip netns add "$hostns"
  on_exit "ip netns del $hostns"
  ip -n "$hostns" link add rtest0 type veth peer name rtest1
  ip -n "$hostns" addr add 10.232.0.2/24 dev rtest0
  make_bundle
  edit_config "$T/bundle" '
d["linux"]["netDevices"] = {"rtest0": {"name": "eth7"}}
d["process"]["args"] = ["sh", "-c", "ip -o addr show eth7"]'
  capture nsenter --net="/run/netns/$hostns" "$RUNO" --root "$ROOT" run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_match "$out" 'eth7 +inet 10\.232\.0\.2/24'
  edit_config "$T/bundle" 'd["linux"]["netDevices"] = {"nosuch0": {}}'
  capture nsenter --net="/run/netns/$hostns" "$RUNO" --root "$ROOT" run --bundle "$T/bundle" c2
  assert_error 'linux.netDevices: move "nosuch0": No such device'
  assert_no_leftovers
}

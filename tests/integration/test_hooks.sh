# Hooks: each kind at its moment, in its namespace, with the state on stdin.

# A hook that appends "<kind> <status> <pid> <mnt ns inode>" to $T/hooks.log.
write_hook() {
  cat >"$T/hook.sh" <<'HOOK'
#!/bin/sh
state=$(cat)
status=$(printf '%s' "$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
pid=$(printf '%s' "$state" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
echo "$1 $status $pid $(stat -L -c %i /proc/self/ns/mnt) $HOOK_ENV" >>"$LOG"
HOOK
  chmod +x "$T/hook.sh"
}

test_hooks_order_namespace_and_stdin() {
  make_bundle
  write_hook
  cp "$T/hook.sh" "$T/bundle/rootfs/hook.sh"
  sed -i '1s|.*|#!/bin/sh|' "$T/bundle/rootfs/hook.sh"
  local h="'path': '$T/hook.sh', 'env': ['LOG=$T/hooks.log', 'HOOK_ENV=set']"
  edit_config "$T/bundle" "
d['process']['args'] = ['sleep', '1000']
d['root']['readonly'] = False
d['hooks'] = {
  'prestart': [{$h, 'args': ['hook', 'prestart']}],
  'createRuntime': [{$h, 'args': ['hook', 'createRuntime']}],
  'createContainer': [{$h, 'args': ['hook', 'createContainer']}],
  'startContainer': [{'path': '/hook.sh', 'args': ['hook', 'startContainer'], 'env': ['LOG=/hooks.log', 'HOOK_ENV=set']}],
  'poststart': [{$h, 'args': ['hook', 'poststart']}],
  'poststop': [{$h, 'args': ['hook', 'poststop']}],
}"
  delete_on_exit c1
  r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  local pid host_mnt
  pid=$(cat "$T/pid")
  host_mnt=$(ns_inode self mnt)
  r start c1
  wait_status c1 running
  for i in $(seq 50); do [ -s "$T/bundle/rootfs/hooks.log" ] && break; sleep 0.1; done
  r kill c1 KILL
  wait_status c1 stopped
  r delete c1
  local log
  log=$(cat "$T/hooks.log")
  assert_eq "$(echo "$log" | awk '{print $1}' | tr '\n' ' ')" "prestart createRuntime createContainer poststart poststop "
  assert_eq "$(echo "$log" | awk '{print $2}' | tr '\n' ' ')" "created created created running stopped "
  # A stopped container's state has pid 0: the number may be reused.  The
  # hooks that run in the container see its own pid for init (1).
  assert_eq "$(echo "$log" | awk '{print $3}' | tr '\n' ' ')" "$pid $pid 1 $pid 0 "
  # Runtime namespace for prestart/createRuntime/poststart/poststop,
  # the container's for createContainer.
  assert_eq "$(echo "$log" | awk '$1 != "createContainer" {print $4}' | sort -u)" "$host_mnt"
  [ "$(echo "$log" | awk '$1 == "createContainer" {print $4}')" != "$host_mnt" ] || fail "createContainer ran in the host mount namespace"
  assert_eq "$(echo "$log" | awk '{print $5}' | sort -u)" set
  # startContainer resolves and runs inside the container (after pivot_root).
  assert_match "$(cat "$T/bundle/rootfs/hooks.log")" "^startContainer [a-z]+ 1 [0-9]+ set\$"
}

test_failing_poststart_is_a_warning() {
  make_bundle
  edit_config "$T/bundle" "
d['process']['args'] = ['sleep', '1000']
d['hooks'] = {'poststart': [{'path': '/bin/false'}], 'poststop': [{'path': '/bin/false'}]}"
  delete_on_exit c1
  r create --bundle "$T/bundle" c1
  capture r start c1
  assert_eq "$rc" 0
  assert_match "$err" 'warning: poststart hook `/bin/false`: exited with status 1'
  capture r delete --force c1
  assert_eq "$rc" 0
  assert_match "$err" 'warning: poststop hook `/bin/false`: exited with status 1'
  assert_no_leftovers
}

# runtime.md: the state a hook gets carries the pid as seen from the
# namespace the hook runs in: the host's for prestart/createRuntime, the
# container's (1, with its own pid namespace) for createContainer and
# startContainer.
test_hooks_in_the_container_get_the_containers_pid() {
  make_bundle
  edit_config "$T/bundle" "
d['process']['args'] = ['true']
h = lambda name: [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $T/' + name]}]
d['hooks'] = {'prestart': h('prestart'), 'createRuntime': h('createRuntime'),
              'createContainer': h('createContainer'), 'startContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > /startContainer']}]}
d['root']['readonly'] = False"
  delete_on_exit c1
  r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  local pid
  pid=$(cat "$T/pid")
  assert_eq "$(json_get "$T/prestart" 'd["pid"]')" "$pid"
  assert_eq "$(json_get "$T/createRuntime" 'd["pid"]')" "$pid"
  assert_eq "$(json_get "$T/createContainer" 'd["pid"]')" 1
  r start c1
  local i
  for i in $(seq 50); do [ -s "$T/bundle/rootfs/startContainer" ] && break; sleep 0.1; done
  assert_eq "$(json_get "$T/bundle/rootfs/startContainer" 'd["pid"]')" 1
}

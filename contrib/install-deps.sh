#!/bin/sh
# Install what building and testing runo needs on Debian 12 (as root).
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  build-essential autoconf automake libtool pkg-config git ca-certificates \
  libyajl-dev libseccomp-dev libcap-dev libmnl-dev libsystemd-dev check libsubunit-dev \
  python3 go-md2man busybox-static iproute2 procps strace time \
  golang-github-containers-common >/dev/null
# clang: the second sanitizer build (its UBSan checks more than gcc's) and
# the libFuzzer targets (tests/fuzz), whose runtime is in libclang-rt.
apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
# The engines the end-to-end tests drive (tests/e2e): Podman with conmon and
# its CNI bridge, containerd with ctr.
apt-get install -y -qq --no-install-recommends \
  podman conmon containerd containernetworking-plugins iptables >/dev/null

#!/bin/sh
# From a fresh Debian 12 checkout: install the build dependencies, build
# runo and run the demo container.  Run as root from the source tree.
set -e
cd "$(dirname "$0")/.."
contrib/install-deps.sh
./autogen.sh
./configure
make -j"$(nproc)"
make demo

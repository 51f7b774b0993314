#!/bin/sh
# From a fresh Debian 12 checkout: install the build dependencies, build
# runo and run the demo container.  Run as root from the source tree.
set -e
cd "$(dirname "$0")/.."
contrib/install-deps.sh
./autogen.sh
# Out of the source tree, like contrib/run-tests.sh's builds, so that the
# two can follow each other in either order on one checkout.
mkdir -p build/quickstart
cd build/quickstart
../../configure
make -j"$(nproc)"
make demo
echo "runo is built: $(pwd)/runo"

#!/bin/bash
cd /share || exit 1
bash -c RUNO=/share/build/dev/runo\ tests/integration/run.sh\ systemd\;\ RUNO=/share/build/dev/runo\ tests/integration/run.sh\ apparmor 

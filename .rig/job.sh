#!/bin/bash
cd /share || exit 1
bash -c for\ t\ in\ test_cgroups\ test_exec\ test_systemd\ test_lifecycle\;\ do\ RUNO=/share/build/dev/runo\ tests/integration/run.sh\ \$t\;\ done 

#!/usr/bin/env python3
"""Put Podman's seccomp profile, converted to the OCI linux.seccomp form for
this machine, into a bundle's config.json.

    contrib/podman-seccomp-to-oci.py [PROFILE] CONFIG.JSON

PROFILE defaults to /usr/share/containers/seccomp.json (Debian's
golang-github-containers-common).  Podman's format adds archMap and
per-rule includes/excludes; the conversion keeps the sub-architectures of
this machine and the rules that apply to it as a root container with all
capabilities, the way Podman itself resolves them.
"""
import json
import platform
import sys


def convert(profile):
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(
        platform.machine(), platform.machine())
    native = {"amd64": "SCMP_ARCH_X86_64",
              "arm64": "SCMP_ARCH_AARCH64"}[machine]
    arches = [native]
    for m in profile.get("archMap") or []:
        if m["architecture"] == native:
            arches += m.get("subArchitectures") or []
    rules = []
    for s in profile["syscalls"]:
        inc, exc = s.get("includes") or {}, s.get("excludes") or {}
        if inc.get("arches") and machine not in inc["arches"]:
            continue
        if machine in (exc.get("arches") or []) or exc.get("caps"):
            continue
        rule = {"names": s["names"], "action": s["action"]}
        if "errnoRet" in s:
            rule["errnoRet"] = s["errnoRet"]
        if s.get("args"):
            rule["args"] = s["args"]
        rules.append(rule)
    seccomp = {"defaultAction": profile["defaultAction"],
               "architectures": arches, "syscalls": rules}
    if "defaultErrnoRet" in profile:
        seccomp["defaultErrnoRet"] = profile["defaultErrnoRet"]
    return seccomp


def main(argv):
    if len(argv) == 2:
        profile_path, config_path = "/usr/share/containers/seccomp.json", argv[1]
    elif len(argv) == 3:
        profile_path, config_path = argv[1], argv[2]
    else:
        sys.exit(__doc__)
    with open(profile_path) as f:
        profile = json.load(f)
    with open(config_path) as f:
        config = json.load(f)
    config.setdefault("linux", {})["seccomp"] = convert(profile)
    with open(config_path, "w") as f:
        json.dump(config, f, indent=2)


if __name__ == "__main__":
    main(sys.argv)

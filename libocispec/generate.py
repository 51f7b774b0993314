#!/usr/bin/env python3
"""Generate ocispec.h / ocispec.c from the OCI runtime-spec JSON schema.

Usage: python3 libocispec/generate.py [--schema DIR] [--out DIR]

The output is a set of plain C structs plus static descriptor tables; the
generic parser, generator, free and equality code lives in the hand-written
ocispec_json.c and walks those tables.  Output is deterministic: it depends
only on the schema files, walked in document order.

Mapping rules
-------------
Documents: config-schema.json -> oci_config, state-schema.json -> oci_state,
features-schema.json -> oci_features.

Struct names:
  * an object reached through "$ref" to "<file>#/definitions/<Name>" is
    named oci_<platform>_<snake(Name)>, where <platform> is empty for
    defs.json and e.g. "linux_" for defs-linux.json, "freebsd_" for
    defs-freebsd.json (Mount -> oci_mount, Device in defs-linux.json ->
    oci_linux_device); the same definition always maps to the same struct;
  * any other object is named after its path: <parent struct>_<snake(key)>
    (config -> process -> user gives oci_config_process_user).  Array items
    take the name of the array property (process.rlimits items ->
    oci_config_process_rlimits).
  snake(): camelCase and acronyms split into words, lowercased, joined by
  "_": additionalGids -> additional_gids, DNSSearchList -> dns_search_list,
  classID -> class_id, nrMFNs -> nr_mfns.

Field names: snake(property name); C keywords, C++ keywords and the macros
GNU C predefines get a trailing "_" (ioPriority.class -> class_,
config.linux -> linux_).

Field types:
  * string (enums and patterns included)  -> char *          NULL = absent
  * boolean                               -> bool  + bool <f>_present
  * integer                               -> <int type> + bool <f>_present
      defs.json int8..int64, uint8..uint64 (and anything $ref'ing them)
      map to the matching <stdint.h> type; any other integer maps to
      uint32_t when its range is within [0, UINT32_MAX] (FileMode, percent)
      and int64_t otherwise (oomScoreAdj, hook timeout, state pid).
      minimum/maximum are checked at parse time.
  * object with properties                -> <struct> *       NULL = absent
  * array of X                            -> X *<f>, size_t <f>_len,
                                             bool <f>_present
      (X is char *, an integer type, bool or <struct> *)
  * object with patternProperties {".{1,}": string} or additionalProperties
    string                                -> oci_map_string *
  * object with additionalProperties <object>
                                          -> oci_map_<struct minus "oci_"> *
      maps are {char **keys; V *values; size_t len;} in document order.
  * object without properties             -> char *<f>_json (compact JSON
                                             text of the object)

Relaxations: where every engine sends values the schema refuses and runc
and crun accept them, the loaded schema is widened before anything is
generated (RELAXATIONS below, each with the reason); the schema files
themselves are left as they are.

Schema handling: "$ref" is resolved across files ("defs.json#/definitions/X",
"#/definitions/X", the "#definitions/X" typo and other JSON pointers such as
"config-linux.json#/linux"); keywords next to "$ref" are ignored, as in
draft-04.  "allOf" merges the properties and required lists of its parts,
a single-element "anyOf" or "items" list is unwrapped.  Anything else this
generator does not understand (unknown keywords, regex features the C
matcher lacks, name clashes) is a hard error.
"""

import argparse
import json
import os
import re
import sys

DOCUMENTS = [
    # (schema file, struct name, document name used in messages)
    ("config-schema.json", "oci_config", "config"),
    ("state-schema.json", "oci_state", "state"),
    ("features-schema.json", "oci_features", "features"),
]

INT_TYPES = {
    # name: (C type, repr enum, min, max)
    "int8": ("int8_t", "OCISPEC_INT8", -(2**7), 2**7 - 1),
    "int16": ("int16_t", "OCISPEC_INT16", -(2**15), 2**15 - 1),
    "int32": ("int32_t", "OCISPEC_INT32", -(2**31), 2**31 - 1),
    "int64": ("int64_t", "OCISPEC_INT64", -(2**63), 2**63 - 1),
    "uint8": ("uint8_t", "OCISPEC_UINT8", 0, 2**8 - 1),
    "uint16": ("uint16_t", "OCISPEC_UINT16", 0, 2**16 - 1),
    "uint32": ("uint32_t", "OCISPEC_UINT32", 0, 2**32 - 1),
    "uint64": ("uint64_t", "OCISPEC_UINT64", 0, 2**64 - 1),
}

# Must match OCISPEC_MAX_FIELDS in ocispec_json.h.
MAX_FIELDS = 64

C_KEYWORDS = {
    "alignas", "alignof", "auto", "bool", "break", "case", "char", "const",
    "constexpr", "continue", "default", "do", "double", "else", "enum",
    "extern", "false", "float", "for", "goto", "if", "inline", "int", "long",
    "nullptr", "register", "restrict", "return", "short", "signed", "sizeof",
    "static", "static_assert", "struct", "switch", "thread_local", "true",
    "typedef", "typeof", "union", "unsigned", "void", "volatile", "while",
    # predefined macros in GNU C modes (-std=gnu11 defines linux=1)
    "linux", "unix", "i386",
    # not C keywords, but would make the header unusable from C++
    "class", "delete", "new", "operator", "private", "protected", "public",
    "template", "this", "throw", "try", "catch", "namespace", "virtual",
}

# Keywords that carry no meaning for the C mapping.
IGNORED_KEYWORDS = {"description", "$schema"}


# (file, definition, keyword, value): applied to the loaded schema.
RELAXATIONS = [
    # Engines and test harnesses copy runc's defaults, which write the
    # recursive forms; runc and crun accept them and so does config-linux.md's
    # reference to mount(2) propagation types.
    ("defs-linux.json", "RootfsPropagation", "enum",
     ["private", "shared", "slave", "unbindable",
      "rprivate", "rshared", "rslave", "runbindable"]),
    # Podman writes the whole st_mode (file type bits included, e.g. 8630 =
    # S_IFCHR|0666) as linux.devices[].fileMode; the spec's type is uint32 and
    # runc and crun use the permission bits.
    ("defs.json", "FileMode", "maximum", 4294967295),
]


class GenError(Exception):
    pass


WORD = re.compile(
    r"[A-Z]{2,}s(?![a-z])"        # plural acronym: MFNs
    r"|[A-Z]+(?=[A-Z][a-z])"      # acronym followed by a word: DNS|Search
    r"|[A-Z]?[a-z0-9]+"           # word: ip4, Addr, l3
    r"|[A-Z]+[0-9]*"              # trailing acronym: ID, TCP
)


def snake(name):
    words = WORD.findall(name)
    if "".join(words) != re.sub(r"[^A-Za-z0-9]", "", name):
        raise GenError("cannot split %r into words" % name)
    out = "_".join(w.lower() for w in words)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", out):
        raise GenError("%r does not give a C identifier" % name)
    return out


def field_name(json_name):
    name = snake(json_name)
    return name + "_" if name in C_KEYWORDS else name


def check_pattern(pattern):
    """Reject regex features the C matcher in ocispec_json.c lacks.

    Supported: optional leading ^, optional trailing $, literal characters,
    "\\" escapes of punctuation and \\n \\t \\r \\f \\v, ".", bracket classes
    with ranges and leading "^", and the quantifiers * + ? {n} {n,} {n,m}.
    """
    def fail(why):
        raise GenError("pattern %r: %s" % (pattern, why))

    def escape(i):
        if i >= len(pattern):
            fail("trailing backslash")
        c = pattern[i]
        if c.isalnum() and c not in "ntrfv":
            fail("unsupported escape \\%s" % c)
        return i + 1

    i = 1 if pattern.startswith("^") else 0
    end = len(pattern) - 1 if pattern.endswith("$") and not pattern.endswith("\\$") else len(pattern)
    while i < end:
        c = pattern[i]
        if c in "()|^$":
            fail("unsupported %r at offset %d" % (c, i))
        if c in "*+?{}]":
            fail("unexpected %r at offset %d" % (c, i))
        if c == "\\":
            i = escape(i + 1)
        elif c == "[":
            i += 1
            if i < end and pattern[i] == "^":
                i += 1
            if i < end and pattern[i] == "]":
                fail("empty or ']'-first class")
            while i < end and pattern[i] != "]":
                if pattern[i] == "[":
                    fail("nested class")
                i = escape(i + 1) if pattern[i] == "\\" else i + 1
            if i >= end:
                fail("unterminated class")
            i += 1
        else:
            i += 1
        # optional quantifier
        if i < end and pattern[i] in "*+?":
            i += 1
        elif i < end and pattern[i] == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", pattern[i:end])
            if not m:
                fail("bad {} quantifier")
            if m.group(3) and int(m.group(3)) < int(m.group(1)):
                fail("bad {} range")
            i += m.end()
        if i < end and pattern[i] in "*+?{":
            fail("stacked quantifiers")
    try:
        re.compile(pattern)
    except re.error as e:
        fail(str(e))


def c_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        else:
            out.extend("\\%03o" % b for b in ch.encode("utf-8"))
    out.append('"')
    return "".join(out)


class Type:
    """A JSON value type and its C mapping.

    kind is one of string, bool, int, object, array, map, raw.
    """

    def __init__(self, kind, **kw):
        self.kind = kind
        self.enum = kw.get("enum")            # string: allowed values
        self.pattern = kw.get("pattern")      # string: value / map: key pattern
        self.int_name = kw.get("int_name")    # int: INT_TYPES key
        self.minimum = kw.get("minimum")      # int
        self.maximum = kw.get("maximum")      # int
        self.range_msg = kw.get("range_msg")  # int: text after "out of range "
        self.struct = kw.get("struct")        # object: Struct
        self.item = kw.get("item")            # array / map: element Type
        self.min_items = kw.get("min_items", 0)
        self.map_name = kw.get("map_name")    # map: C type name
        self.cname = None                     # descriptor name, set at emission

    def key(self):
        return (self.kind, tuple(self.enum or ()), self.pattern, self.int_name,
                self.minimum, self.maximum,
                self.struct.name if self.struct else None,
                self.item.key() if self.item else None, self.min_items)

    def c_type(self):
        """C type of one stored value (a field, array element or map value)."""
        if self.kind in ("string", "raw"):
            return "char *"
        if self.kind == "bool":
            return "bool "
        if self.kind == "int":
            return INT_TYPES[self.int_name][0] + " "
        if self.kind == "object":
            return self.struct.name + " *"
        if self.kind == "map":
            return self.map_name + " *"
        raise GenError("no C element type for %s" % self.kind)


class Field:
    def __init__(self, json_name, cname, type_, required):
        self.json_name = json_name
        self.cname = cname
        self.type = type_
        self.required = required


class Struct:
    def __init__(self, name, origin):
        self.name = name
        self.origin = origin
        self.fields = []


class Schema:
    def __init__(self, directory):
        self.dir = directory
        self.files = {}
        self.structs = []       # in discovery order
        self.struct_names = {}  # name -> origin, to detect clashes
        self.def_structs = {}   # (file, definition) -> Struct
        self.maps = {}          # map type name -> value Type

    def load(self, fname):
        if fname not in self.files:
            path = os.path.join(self.dir, fname)
            try:
                with open(path, encoding="utf-8") as f:
                    self.files[fname] = json.load(f)
            except (OSError, ValueError) as e:
                raise GenError("%s: %s" % (path, e))
            for rfile, name, key, value in RELAXATIONS:
                if rfile != fname:
                    continue
                node = self.files[fname].get("definitions", {}).get(name)
                if node is None or key not in node:
                    raise GenError("%s: relaxation of %s.%s: no such keyword"
                                   % (path, name, key))
                node[key] = value
        return self.files[fname]

    def deref(self, fname, ref):
        """Resolve a $ref; return (file, node, definition name or None)."""
        target, _, pointer = ref.partition("#")
        target = target or fname
        if pointer and not pointer.startswith("/"):
            pointer = "/" + pointer  # "#definitions/uint32" in defs.json
        node = self.load(target)
        parts = [p.replace("~1", "/").replace("~0", "~")
                 for p in pointer.split("/")[1:]]
        for p in parts:
            if not isinstance(node, dict) or p not in node:
                raise GenError("%s: unresolvable $ref %r" % (fname, ref))
            node = node[p]
        defname = parts[1] if len(parts) == 2 and parts[0] == "definitions" else None
        return target, node, (target, defname) if defname else None

    def resolve(self, fname, node, defn=None):
        """Follow $ref chains, unwrap single anyOf, merge allOf."""
        while True:
            if not isinstance(node, dict):
                raise GenError("%s: schema is not an object: %r" % (fname, node))
            if "$ref" in node:
                fname, node, d = self.deref(fname, node["$ref"])
                defn = d or defn
            elif "anyOf" in node:
                if len(node["anyOf"]) != 1 or set(node) - IGNORED_KEYWORDS != {"anyOf"}:
                    raise GenError("%s: only a single-element anyOf is supported" % fname)
                node = node["anyOf"][0]
            elif "allOf" in node:
                return fname, self.merge_all_of(fname, node), defn
            else:
                return fname, node, defn

    def merge_all_of(self, fname, node):
        props = {}
        required = []
        parts = [{k: v for k, v in node.items() if k != "allOf"}] + node["allOf"]
        for part in parts:
            pfile, part, _ = self.resolve(fname, part)
            if part.get("type", "object") != "object":
                raise GenError("%s: allOf part is not an object" % fname)
            extra = set(part) - {"type", "properties", "required"} - IGNORED_KEYWORDS
            if extra:
                raise GenError("%s: unsupported keywords in allOf part: %s" % (fname, sorted(extra)))
            for k, v in part.get("properties", {}).items():
                if k in props:
                    raise GenError("%s: allOf parts both define %r" % (fname, k))
                # keep the file the property came from so its $refs resolve
                props[k] = (pfile, v)
            required += [r for r in part.get("required", []) if r not in required]
        return {"type": "object", "properties": props, "required": required,
                "$merged": True}

    def type_of(self, fname, node, ctx_name, defn=None):
        """Return the Type of a schema node; ctx_name names inline structs."""
        fname, node, defn = self.resolve(fname, node, defn)
        kind = node.get("type")
        where = "%s (%s)" % (fname, ctx_name)

        def allow(*keys):
            extra = set(node) - set(keys) - IGNORED_KEYWORDS - {"type"}
            if extra:
                raise GenError("%s: unsupported keywords %s" % (where, sorted(extra)))

        if kind == "string":
            allow("enum", "pattern")
            pattern = node.get("pattern")
            if pattern is not None:
                check_pattern(pattern)
            return Type("string", enum=node.get("enum"), pattern=pattern)
        if kind == "boolean":
            allow()
            return Type("bool")
        if kind == "integer":
            allow("minimum", "maximum")
            return self.int_type(node, defn)
        if kind == "array":
            allow("items", "minItems")
            items = node.get("items")
            if isinstance(items, list):
                # draft-04 tuple form; the schema only uses one-element lists
                # (vm.hwConfig.iomems), which we read as "array of that".
                if len(items) != 1:
                    raise GenError("%s: tuple 'items' with %d entries" % (where, len(items)))
                items = items[0]
            if items is None:
                raise GenError("%s: array without items" % where)
            item = self.type_of(fname, items, ctx_name)
            if item.kind in ("array", "map", "raw"):
                raise GenError("%s: arrays of %s are not supported" % (where, item.kind))
            return Type("array", item=item, min_items=node.get("minItems", 0))
        if kind == "object":
            allow("properties", "required", "additionalProperties",
                  "patternProperties", "$merged")
            if "properties" in node:
                if "additionalProperties" in node or "patternProperties" in node:
                    raise GenError("%s: properties mixed with a map" % where)
                return Type("object", struct=self.struct_of(fname, node, ctx_name, defn))
            if "patternProperties" in node or "additionalProperties" in node:
                return self.map_type(fname, node, ctx_name, where)
            if "required" in node:
                raise GenError("%s: 'required' without properties" % where)
            return Type("raw")
        raise GenError("%s: unsupported type %r" % (where, kind))

    def int_type(self, node, defn):
        lo, hi = node.get("minimum"), node.get("maximum")
        name = defn[1] if defn else None
        if name in INT_TYPES:
            _, _, tlo, thi = INT_TYPES[name]
            if (lo, hi) != (tlo, thi):
                raise GenError("definition %s has unexpected range" % name)
            return Type("int", int_name=name, minimum=lo, maximum=hi,
                        range_msg="for " + name)
        if lo is not None and lo >= 0 and hi is not None and hi <= 2**32 - 1:
            int_name = "uint32"
        else:
            int_name = "int64"
        _, _, tlo, thi = INT_TYPES[int_name]
        lo = tlo if lo is None else lo
        hi = thi if hi is None else hi
        if not tlo <= lo <= hi <= thi:
            raise GenError("integer range [%s, %s] does not fit %s" % (lo, hi, int_name))
        if (lo, hi) == (tlo, thi):
            msg = "for " + int_name
        elif hi == thi:
            msg = "(minimum %d)" % lo
        else:
            msg = "(%d..%d)" % (lo, hi)
        if name:
            msg = "for %s %s" % (name, msg) if not msg.startswith("for") else msg
        return Type("int", int_name=int_name, minimum=lo, maximum=hi, range_msg=msg)

    def map_type(self, fname, node, ctx_name, where):
        if "patternProperties" in node:
            if "additionalProperties" in node:
                raise GenError("%s: both patternProperties and additionalProperties" % where)
            pp = node["patternProperties"]
            if len(pp) != 1:
                raise GenError("%s: more than one patternProperties entry" % where)
            key_pattern, value = next(iter(pp.items()))
            check_pattern(key_pattern)
        else:
            key_pattern, value = None, node["additionalProperties"]
            if not isinstance(value, dict):
                raise GenError("%s: additionalProperties must be a schema" % where)
        item = self.type_of(fname, value, ctx_name)
        if item.kind == "string" and not item.enum and not item.pattern:
            name = "oci_map_string"
        elif item.kind == "object":
            name = "oci_map_" + item.struct.name[len("oci_"):]
        else:
            raise GenError("%s: maps of %s are not supported" % (where, item.kind))
        if self.maps.setdefault(name, item).key() != item.key():
            raise GenError("%s: map type %s used with different values" % (where, name))
        return Type("map", item=item, pattern=key_pattern, map_name=name)

    def struct_of(self, fname, node, ctx_name, defn):
        if defn and defn in self.def_structs:
            return self.def_structs[defn]
        if defn:
            dfile, dname = defn
            m = re.fullmatch(r"defs(?:-([a-z]+))?\.json", dfile)
            if not m:
                raise GenError("%s: definitions outside defs*.json" % dfile)
            name = "oci_" + (m.group(1) + "_" if m.group(1) else "") + snake(dname)
            origin = "%s#/definitions/%s" % defn
        else:
            name = ctx_name
            origin = None
        if name in self.struct_names:
            raise GenError("struct name %s used twice" % name)
        s = Struct(name, origin)
        self.struct_names[name] = origin
        if defn:
            self.def_structs[defn] = s
        self.structs.append(s)
        if not node["properties"]:
            raise GenError("%s: object without properties" % name)
        required = list(node.get("required", []))
        cnames = set()
        for key, prop in node["properties"].items():
            pfile = fname
            if node.get("$merged"):
                pfile, prop = prop
            t = self.type_of(pfile, prop, name + "_" + snake(key))
            cname = field_name(key)
            if t.kind == "raw":
                cname += "_json"
            taken = {cname}
            if t.kind in ("bool", "int"):
                taken.add(cname + "_present")
            elif t.kind == "array":
                taken |= {cname + "_len", cname + "_present"}
            if taken & cnames:
                raise GenError("%s: field name clash on %s" % (name, sorted(taken & cnames)))
            cnames |= taken
            s.fields.append(Field(key, cname, t, key in required))
            if key in required:
                required.remove(key)
        if required:
            raise GenError("%s: required properties %s are not defined" % (name, required))
        if len(s.fields) > MAX_FIELDS:
            raise GenError("%s: more than %d fields" % (name, MAX_FIELDS))
        return s


class Emitter:
    def __init__(self, schema, documents):
        self.schema = schema
        self.documents = documents  # [(Struct, doc name)]
        self.types = {}             # Type.key() -> Type with cname
        self.type_list = []
        self.enums = {}             # tuple(values) -> C array name
        self.enum_list = []

    # --- descriptor naming -------------------------------------------------

    def register(self, t):
        """Give t (and its element types) a descriptor name, deduplicated."""
        if t.item:
            self.register(t.item)
        known = self.types.get(t.key())
        if known:
            t.cname = known.cname
            return
        if t.enum and tuple(t.enum) not in self.enums:
            name = "enum_%d" % len(self.enum_list)
            self.enums[tuple(t.enum)] = name
            self.enum_list.append((name, t.enum))
        t.cname = "type_%d" % len(self.type_list)
        self.types[t.key()] = t
        self.type_list.append(t)

    def describe(self, t):
        if t.kind == "string":
            extra = ""
            if t.enum:
                extra = " enum"
            if t.pattern:
                extra += " " + t.pattern
            return "string" + extra
        if t.kind == "int":
            return "%s [%d, %d]" % (INT_TYPES[t.int_name][0], t.minimum, t.maximum)
        if t.kind == "object":
            return t.struct.name
        if t.kind == "array":
            return "array of %s%s" % (
                self.describe(t.item),
                ", at least %d" % t.min_items if t.min_items else "")
        if t.kind == "map":
            return t.map_name
        return {"bool": "boolean", "raw": "raw JSON object"}[t.kind]

    # --- header ------------------------------------------------------------

    def header(self):
        out = []
        w = out.append
        w("/* ocispec.h: generated by generate.py from the OCI runtime-spec JSON")
        w("   schema, do not edit.  See libocispec/README.md.  */")
        w("")
        w("#ifndef OCISPEC_H")
        w("#define OCISPEC_H")
        w("")
        w("#include <stdbool.h>")
        w("#include <stddef.h>")
        w("#include <stdint.h>")
        w("")
        w("#ifdef __cplusplus")
        w('extern "C" {')
        w("#endif")
        w("")
        w("/* Map of strings to strings (annotations, sysctl, unified); keys are")
        w("   kept in document order.  */")
        w("typedef struct oci_map_string")
        w("{")
        w("  char **keys;")
        w("  char **values;")
        w("  size_t len;")
        w("} oci_map_string;")
        w("")
        for s in self.schema.structs:
            w("typedef struct %s %s;" % (s.name, s.name))
        w("")
        for name, item in self.schema.maps.items():
            if name == "oci_map_string":
                continue
            w("typedef struct %s" % name)
            w("{")
            w("  char **keys;")
            w("  %svalues;" % (item.c_type() + "*"))
            w("  size_t len;")
            w("} %s;" % name)
            w("")
        for s in self.schema.structs:
            if s.origin:
                w("/* %s */" % s.origin)
            w("struct %s" % s.name)
            w("{")
            for f in s.fields:
                self.header_field(w, f)
            w("};")
            w("")
        w("/* Documents.  parse_* return NULL and set *err (if err is not NULL) to a")
        w("   malloc'd one-line message on failure.  generate returns malloc'd JSON")
        w("   text; pretty selects 4-space indentation.  */")
        for s, _ in self.documents:
            base = s.name
            w("%s *%s_parse_file (const char *path, char **err);" % (base, base))
            w("%s *%s_parse_data (const char *data, size_t len, const char *name, char **err);"
              % (base, base))
            w("char *%s_generate (const %s *doc, bool pretty, char **err);" % (base, base))
            w("bool %s_equal (const %s *a, const %s *b);" % (base, base, base))
            w("")
        w("/* Check that data is one JSON value nested at most 256 levels deep, with")
        w("   the messages of parse_*: for JSON that another parser then reads (runo's")
        w("   state.json with yajl_tree, which recurses without bound).  */")
        w("bool oci_json_check (const char *data, size_t len, const char *name, char **err);")
        w("")
        w("/* Free functions; all accept NULL.  */")
        w("void oci_map_string_free (oci_map_string *map);")
        for name in self.schema.maps:
            if name != "oci_map_string":
                w("void %s_free (%s *map);" % (name, name))
        for s in self.schema.structs:
            w("void %s_free (%s *p);" % (s.name, s.name))
        w("")
        w("#ifdef __cplusplus")
        w("}")
        w("#endif")
        w("")
        w("#endif")
        return "\n".join(out) + "\n"

    def header_field(self, w, f):
        t = f.type
        notes = []
        if f.required:
            notes.append("required")
        if t.kind == "string" and t.enum:
            notes.append("one of " + ", ".join(t.enum))
        if t.kind == "string" and t.pattern:
            notes.append("matches " + t.pattern)
        if t.kind == "int" and t.range_msg.startswith("("):
            notes.append("range " + t.range_msg.strip("()"))
        if t.kind == "array" and t.min_items:
            notes.append("at least %d item%s" % (t.min_items, "s" if t.min_items > 1 else ""))
        if t.kind == "array" and t.item.kind == "string" and t.item.enum:
            notes.append("items one of " + ", ".join(t.item.enum))
        if t.kind == "array" and t.item.kind == "string" and t.item.pattern:
            notes.append("items match " + t.item.pattern)
        if t.kind == "raw":
            notes.append("JSON object text")
        comment = '"%s"' % f.json_name
        if notes:
            comment += ": " + "; ".join(notes)
        comment = comment.replace("*/", "* /")
        if t.kind == "array":
            w("  %s*%s; /* %s */" % (t.item.c_type(), f.cname, comment))
            w("  size_t %s_len;" % f.cname)
            w("  bool %s_present;" % f.cname)
        else:
            w("  %s%s; /* %s */" % (t.c_type(), f.cname, comment))
            if t.kind in ("bool", "int"):
                w("  bool %s_present;" % f.cname)

    # --- source ------------------------------------------------------------

    def source(self):
        for s in self.schema.structs:
            for f in s.fields:
                self.register(f.type)
        out = []
        w = out.append
        w("/* ocispec.c: generated by generate.py from the OCI runtime-spec JSON")
        w("   schema, do not edit.  Descriptor tables for the generic code in")
        w("   ocispec_json.c.  */")
        w("")
        w('#include "ocispec.h"')
        w('#include "ocispec_json.h"')
        w("")
        for s in self.schema.structs:
            w("static const ocispec_struct %s_desc;" % s.name)
        w("")
        for name, values in self.enum_list:
            w("static const char *const %s[] = {" % name)
            for v in values:
                w("  %s," % c_string(v))
            w("  NULL")
            w("};")
            w("")
        for t in self.type_list:
            w("/* %s */" % self.describe(t))
            w("static const ocispec_type %s = {" % t.cname)
            w("  .kind = OCISPEC_KIND_%s," % t.kind.upper().replace("RAW", "RAW_JSON"))
            if t.enum:
                w("  .enum_values = %s," % self.enums[tuple(t.enum)])
            if t.pattern:
                w("  .pattern = %s," % c_string(t.pattern))
            if t.kind == "int":
                w("  .repr = %s," % INT_TYPES[t.int_name][1])
                w("  .min = %s," % ("INT64_MIN" if t.minimum == -(2**63)
                                    else "INT64_C (%d)" % t.minimum))
                w("  .max = UINT64_C (%d)," % t.maximum)
                w("  .range = %s," % c_string(t.range_msg))
            if t.struct:
                w("  .object = &%s_desc," % t.struct.name)
            if t.item:
                w("  .item = &%s," % t.item.cname)
            if t.min_items:
                w("  .min_items = %d," % t.min_items)
            w("};")
            w("")
        for s in self.schema.structs:
            w("static const ocispec_field %s_fields[] = {" % s.name)
            for f in s.fields:
                t = f.type
                w("  { %s, %d, &%s, %s," % (
                    c_string(f.json_name), len(f.json_name.encode()), t.cname,
                    "true" if f.required else "false"))
                offsets = ["offsetof (%s, %s)" % (s.name, f.cname)]
                offsets.append("offsetof (%s, %s_len)" % (s.name, f.cname)
                               if t.kind == "array" else "0")
                offsets.append("offsetof (%s, %s_present)" % (s.name, f.cname)
                               if t.kind in ("bool", "int", "array") else "0")
                w("    %s }," % ",\n    ".join(offsets))
            w("};")
            w("")
            w("static const ocispec_struct %s_desc = {" % s.name)
            w("  %s, sizeof (%s), %s_fields," % (c_string(s.name), s.name, s.name))
            w("  sizeof %s_fields / sizeof %s_fields[0]" % (s.name, s.name))
            w("};")
            w("")
        for s, doc in self.documents:
            self.document_functions(w, s, doc)
        for name, item in self.schema.maps.items():
            t = next(t for t in self.type_list if t.kind == "map" and t.map_name == name)
            w("void")
            w("%s_free (%s *map)" % (name, name))
            w("{")
            w("  ocispec_map_free (&%s, map);" % t.cname)
            w("}")
            w("")
        for s in self.schema.structs:
            w("void")
            w("%s_free (%s *p)" % (s.name, s.name))
            w("{")
            w("  ocispec_struct_free (&%s_desc, p);" % s.name)
            w("}")
            w("")
        return "\n".join(out).rstrip("\n") + "\n"

    def document_functions(self, w, s, doc):
        n = s.name
        w("%s *" % n)
        w("%s_parse_file (const char *path, char **err)" % n)
        w("{")
        w("  return ocispec_parse_file (&%s_desc, path, err);" % n)
        w("}")
        w("")
        w("%s *" % n)
        w("%s_parse_data (const char *data, size_t len, const char *name, char **err)" % n)
        w("{")
        w("  return ocispec_parse_data (&%s_desc, data, len, name, err);" % n)
        w("}")
        w("")
        w("char *")
        w("%s_generate (const %s *doc, bool pretty, char **err)" % (n, n))
        w("{")
        w("  return ocispec_generate (&%s_desc, doc, %s, pretty, err);" % (n, c_string(doc)))
        w("}")
        w("")
        w("bool")
        w("%s_equal (const %s *a, const %s *b)" % (n, n, n))
        w("{")
        w("  return ocispec_struct_equal (&%s_desc, a, b);" % n)
        w("}")
        w("")


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--schema", default=os.path.join(repo, "..", "shared", "runtime-spec", "schema"),
                    help="runtime-spec schema directory (default: ../shared/runtime-spec/schema "
                         "relative to the repository root)")
    ap.add_argument("--out", default=here, help="output directory (default: libocispec)")
    args = ap.parse_args()
    try:
        schema = Schema(args.schema)
        documents = []
        for fname, name, doc in DOCUMENTS:
            root = schema.load(fname)
            t = schema.type_of(fname, root, name)
            if t.kind != "object" or t.struct.name != name:
                raise GenError("%s: top level is not an object" % fname)
            documents.append((t.struct, doc))
        emitter = Emitter(schema, documents)
        header = emitter.header()
        source = emitter.source()
    except GenError as e:
        sys.exit("generate.py: error: %s" % e)
    os.makedirs(args.out, exist_ok=True)
    write_if_changed(os.path.join(args.out, "ocispec.h"), header)
    write_if_changed(os.path.join(args.out, "ocispec.c"), source)


if __name__ == "__main__":
    main()

/* ocispec_json.h: descriptor types and generic JSON <-> struct code used by
   the generated ocispec.c.  Internal to libocispec; users include ocispec.h.

   Every generated struct is described by an ocispec_struct: its size and,
   for each JSON property, the property name, its ocispec_type and the
   offsets of the C members that hold it.  The storage for one value of each
   kind is:

     OCISPEC_KIND_STRING    char *           (NULL = absent)
     OCISPEC_KIND_BOOL      bool             + bool present flag
     OCISPEC_KIND_INT       intN_t/uintN_t   + bool present flag
     OCISPEC_KIND_OBJECT    struct pointer   (NULL = absent)
     OCISPEC_KIND_ARRAY     element pointer  + size_t count + bool present flag
     OCISPEC_KIND_MAP       map pointer      (NULL = absent), see ocispec_map
     OCISPEC_KIND_RAW_JSON  char *           JSON text of an object

   Array elements and map values are stored like the values above, without
   present flags; arrays of arrays or maps do not occur in the schema (the
   generator refuses them).  */

#ifndef OCISPEC_JSON_H
#define OCISPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Documents nested deeper than this are rejected before any of it is
   converted, bounding the recursion of every tree walk.  */
#define OCISPEC_MAX_DEPTH 256

/* Upper bound on the properties of one struct; generate.py checks it.  */
#define OCISPEC_MAX_FIELDS 64

typedef enum ocispec_kind
{
  OCISPEC_KIND_STRING,
  OCISPEC_KIND_BOOL,
  OCISPEC_KIND_INT,
  OCISPEC_KIND_OBJECT,
  OCISPEC_KIND_ARRAY,
  OCISPEC_KIND_MAP,
  OCISPEC_KIND_RAW_JSON,
} ocispec_kind;

typedef enum ocispec_int_repr
{
  OCISPEC_INT8,
  OCISPEC_INT16,
  OCISPEC_INT32,
  OCISPEC_INT64,
  OCISPEC_UINT8,
  OCISPEC_UINT16,
  OCISPEC_UINT32,
  OCISPEC_UINT64,
} ocispec_int_repr;

typedef struct ocispec_struct ocispec_struct;
typedef struct ocispec_type ocispec_type;

struct ocispec_type
{
  ocispec_kind kind;
  /* STRING: NULL-terminated list of allowed values, or NULL.  */
  const char *const *enum_values;
  /* STRING: pattern the value must match; MAP: pattern keys must match.
     See ocispec_pattern_match for the supported syntax.  */
  const char *pattern;
  /* INT: storage type and inclusive range.  Every range in the schema has
     min >= INT64_MIN and max <= UINT64_MAX with min <= 0 or max <= INT64_MAX,
     so this pair covers them all.  range completes the message
     "<n> out of range <range>", e.g. "for uint32".  */
  ocispec_int_repr repr;
  int64_t min;
  uint64_t max;
  const char *range;
  /* OBJECT: the struct.  */
  const ocispec_struct *object;
  /* ARRAY: element type and minItems; MAP: value type.  */
  const ocispec_type *item;
  size_t min_items;
};

typedef struct ocispec_field
{
  const char *name; /* JSON property name */
  size_t name_len;
  const ocispec_type *type;
  bool required;
  size_t offset;         /* the value */
  size_t len_offset;     /* ARRAY: size_t element count */
  size_t present_offset; /* BOOL, INT, ARRAY: bool presence flag */
} ocispec_field;

struct ocispec_struct
{
  const char *name; /* C type name */
  size_t size;
  const ocispec_field *fields;
  size_t n_fields;
};

/* Layout shared by oci_map_string and every generated oci_map_* type.  */
typedef struct ocispec_map
{
  char **keys;
  void **values;
  size_t len;
} ocispec_map;

void *ocispec_parse_data (const ocispec_struct *desc, const char *data, size_t len,
                          const char *name, char **err);
void *ocispec_parse_file (const ocispec_struct *desc, const char *path, char **err);
/* what names the document in error messages ("config").  */
char *ocispec_generate (const ocispec_struct *desc, const void *doc, const char *what,
                        bool pretty, char **err);
bool ocispec_struct_equal (const ocispec_struct *desc, const void *a, const void *b);
void ocispec_struct_free (const ocispec_struct *desc, void *obj);
/* map_type is the OCISPEC_KIND_MAP type describing map.  */
void ocispec_map_free (const ocispec_type *map_type, void *map);

/* Match s (NUL-terminated) against pattern, an ECMA-262 regex restricted to
   what generate.py accepts: optional leading "^" and trailing "$", literal
   characters and escapes (\n \t \r \f \v, \<punctuation>), ".", bracket
   classes with ranges and leading "^", and the quantifiers * + ? {n} {n,}
   {n,m}.  Unanchored patterns match anywhere in s.  Works on bytes.  */
bool ocispec_pattern_match (const char *pattern, const char *s);

#endif

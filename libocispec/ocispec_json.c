/* ocispec_json.c: generic JSON <-> struct code driven by the descriptor
   tables in the generated ocispec.c (see ocispec_json.h).

   Parsing is done in two steps:
     1. yajl's callback parser builds a small read-only tree in an arena.
        The callbacks refuse to nest deeper than OCISPEC_MAX_DEPTH, so no
        later walk can recurse without bound, and freeing the tree is just
        freeing the arena blocks.  Numbers are kept as their text so every
        integer type, uint64 included, converts exactly.
     2. The tree is converted to structs following the descriptors.  Every
        allocation is attached to its parent as soon as it is made, so on
        error the partially built document is simply freed as a whole.

   Values are stored into and loaded from struct members through lvalues of
   the member's own type, except pointers to structs, arrays and maps,
   which are accessed as void *: all object pointers have the same
   representation on the platforms we support, and both GCC and Clang let
   void * lvalues alias any pointer type.  */

#include "ocispec_json.h"
#include "ocispec.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

/* ------------------------------------------------------------------------
   Error messages.  Every message is one line: "<name>: <path>: <what>",
   where values quoted from the document are escaped and truncated.  */

typedef struct strbuf
{
  char *buf;
  size_t len, cap;
  bool failed;
} strbuf;

static void
sb_add (strbuf *sb, const char *s, size_t n)
{
  if (sb->failed)
    return;
  if (sb->cap - sb->len <= n)
    {
      size_t cap = sb->cap ? sb->cap : 128;
      while (cap - sb->len <= n)
        cap *= 2;
      char *p = realloc (sb->buf, cap);
      if (p == NULL)
        {
          sb->failed = true;
          return;
        }
      sb->buf = p;
      sb->cap = cap;
    }
  memcpy (sb->buf + sb->len, s, n);
  sb->len += n;
  sb->buf[sb->len] = '\0';
}

static void
sb_adds (strbuf *sb, const char *s)
{
  sb_add (sb, s, strlen (s));
}

static void __attribute__ ((format (printf, 2, 0)))
sb_vprintf (strbuf *sb, const char *fmt, va_list ap)
{
  char small[256];
  va_list ap2;
  va_copy (ap2, ap);
  int n = vsnprintf (small, sizeof small, fmt, ap2);
  va_end (ap2);
  if (n < 0)
    sb->failed = true;
  else if ((size_t) n < sizeof small)
    sb_add (sb, small, (size_t) n);
  else
    {
      char *big = malloc ((size_t) n + 1);
      if (big == NULL)
        {
          sb->failed = true;
          return;
        }
      vsnprintf (big, (size_t) n + 1, fmt, ap);
      sb_add (sb, big, (size_t) n);
      free (big);
    }
}

static void __attribute__ ((format (printf, 2, 3)))
sb_printf (strbuf *sb, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  sb_vprintf (sb, fmt, ap);
  va_end (ap);
}

/* Bytes of a document value shown in a message.  */
#define QUOTE_MAX 64
/* Worst case: every byte escaped as \u00XX, quotes, "..." and NUL.  */
#define QUOTE_BUF (QUOTE_MAX * 6 + 6)

/* Write s into out, JSON-escaped, cut after QUOTE_MAX bytes (on a UTF-8
   character boundary), optionally in double quotes.  */
static const char *
quote (char out[QUOTE_BUF], const char *s, size_t len, bool quotes)
{
  size_t n = len;
  bool cut = false;
  char *o = out;

  if (n > QUOTE_MAX)
    {
      n = QUOTE_MAX;
      while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
        n--;
      cut = true;
    }
  if (quotes)
    *o++ = '"';
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char) s[i];
      switch (c)
        {
        case '"':
        case '\\':
          *o++ = '\\';
          *o++ = (char) c;
          break;
        case '\n':
          o = stpcpy (o, "\\n");
          break;
        case '\t':
          o = stpcpy (o, "\\t");
          break;
        case '\r':
          o = stpcpy (o, "\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            o += sprintf (o, "\\u%04x", c);
          else
            *o++ = (char) c;
        }
    }
  if (cut)
    {
      memcpy (o, "...", 3);
      o += 3;
    }
  if (quotes)
    *o++ = '"';
  *o = '\0';
  return out;
}

/* A JSON path, built on the stack as the converter descends: a property
   or map key when key is not NULL, else an array index.  */
typedef struct jpath
{
  const struct jpath *up;
  const char *key;
  size_t key_len;
  size_t index;
} jpath;

static bool
simple_key (const char *key, size_t len)
{
  if (len == 0)
    return false;
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char) key[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-'))
        return false;
    }
  return true;
}

/* linux.namespaces[2].type; keys that are not identifier-like are quoted:
   annotations["org.example/key"].  */
static void
sb_path (strbuf *sb, const jpath *p)
{
  if (p == NULL)
    return;
  sb_path (sb, p->up);
  if (p->key == NULL)
    sb_printf (sb, "[%zu]", p->index);
  else if (simple_key (p->key, p->key_len))
    {
      if (p->up != NULL)
        sb_add (sb, ".", 1);
      sb_add (sb, p->key, p->key_len);
    }
  else
    {
      char q[QUOTE_BUF];
      sb_printf (sb, "[%s]", quote (q, p->key, p->key_len, true));
    }
}

/* Parsing and generation context.  */
typedef struct ctx
{
  const char *name; /* message prefix, may be NULL */
  char **err;       /* may be NULL */
  yajl_gen gen;     /* generation only */
} ctx;

static void __attribute__ ((format (printf, 3, 4)))
set_error (ctx *c, const jpath *path, const char *fmt, ...)
{
  strbuf sb = { 0 };
  va_list ap;

  if (c->err == NULL)
    return;
  if (c->name != NULL)
    {
      sb_adds (&sb, c->name);
      sb_adds (&sb, ": ");
    }
  if (path != NULL)
    {
      sb_path (&sb, path);
      sb_adds (&sb, ": ");
    }
  va_start (ap, fmt);
  sb_vprintf (&sb, fmt, ap);
  va_end (ap);
  if (sb.failed)
    {
      free (sb.buf);
      *c->err = strdup ("out of memory");
      return;
    }
  /* Keep the promise of a single line whatever the caller's name holds.  */
  for (char *p = sb.buf; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  *c->err = sb.buf;
}

/* ------------------------------------------------------------------------
   Document tree.  */

typedef struct arena_block
{
  struct arena_block *next;
  size_t used, size;
  max_align_t data[];
} arena_block;

typedef struct arena
{
  arena_block *head;
} arena;

#define ARENA_BLOCK_SIZE 65536

static void *
arena_alloc (arena *a, size_t n)
{
  const size_t align = alignof (max_align_t);
  arena_block *b = a->head;

  if (n > SIZE_MAX - sizeof *b - align)
    return NULL;
  n = (n + align - 1) & ~(align - 1);
  if (b == NULL || b->size - b->used < n)
    {
      size_t size = n > ARENA_BLOCK_SIZE ? n : ARENA_BLOCK_SIZE;
      b = malloc (sizeof *b + size);
      if (b == NULL)
        return NULL;
      b->used = 0;
      b->size = size;
      /* A large allocation gets a block of its own behind the current
         one, which keeps serving small allocations.  */
      if (a->head != NULL && n > ARENA_BLOCK_SIZE)
        {
          b->next = a->head->next;
          a->head->next = b;
        }
      else
        {
          b->next = a->head;
          a->head = b;
        }
    }
  void *p = (char *) b->data + b->used;
  b->used += n;
  return p;
}

static void
arena_free (arena *a)
{
  while (a->head != NULL)
    {
      arena_block *next = a->head->next;
      free (a->head);
      a->head = next;
    }
}

static char *
arena_strndup (arena *a, const char *s, size_t len)
{
  char *p = arena_alloc (a, len + 1);
  if (p != NULL)
    {
      memcpy (p, s, len);
      p[len] = '\0';
    }
  return p;
}

typedef enum jtype
{
  J_NULL,
  J_BOOL,
  J_NUMBER,
  J_STRING,
  J_OBJECT,
  J_ARRAY,
} jtype;

typedef struct jnode jnode;
typedef struct jmember jmember;

struct jnode
{
  jtype type;
  bool boolean;
  size_t len; /* bytes of text, or number of members / items */
  union
  {
    const char *text; /* J_NUMBER (as written), J_STRING; NUL-terminated */
    jmember *members;
    jnode *items;
  } u;
};

struct jmember
{
  const char *key;
  size_t key_len;
  jnode value;
};

static const char *
jtype_name (const jnode *n)
{
  static const char *const names[] = { "null", "boolean", "number", "string", "object", "array" };
  return names[n->type];
}

/* Members (or items, key unused) of a container being parsed.  The buffers
   are reused by every container opened at the same depth.  */
typedef struct frame
{
  jmember *buf;
  size_t len, cap;
  const char *key; /* key of the next member */
  size_t key_len;
} frame;

typedef enum build_status
{
  BUILD_OK,
  BUILD_TOO_DEEP,
  BUILD_NOMEM,
} build_status;

typedef struct builder
{
  arena arena;
  frame frames[OCISPEC_MAX_DEPTH];
  size_t depth;
  jnode root;
  build_status status;
} builder;

static int
nomem (builder *b)
{
  b->status = BUILD_NOMEM;
  return 0;
}

static int
add_value (builder *b, jnode v)
{
  if (b->depth == 0)
    {
      b->root = v;
      return 1;
    }
  frame *f = &b->frames[b->depth - 1];
  if (f->len == f->cap)
    {
      size_t cap = f->cap ? f->cap * 2 : 16;
      if (cap > SIZE_MAX / sizeof *f->buf)
        return nomem (b);
      jmember *buf = realloc (f->buf, cap * sizeof *buf);
      if (buf == NULL)
        return nomem (b);
      f->buf = buf;
      f->cap = cap;
    }
  f->buf[f->len++] = (jmember) { f->key, f->key_len, v };
  return 1;
}

static int
add_text (builder *b, jtype type, const char *s, size_t len)
{
  jnode v = { .type = type, .len = len };
  if ((v.u.text = arena_strndup (&b->arena, s, len)) == NULL)
    return nomem (b);
  return add_value (b, v);
}

static int
cb_null (void *b)
{
  return add_value (b, (jnode) { .type = J_NULL });
}

static int
cb_boolean (void *b, int value)
{
  return add_value (b, (jnode) { .type = J_BOOL, .boolean = value != 0 });
}

static int
cb_number (void *b, const char *s, size_t len)
{
  return add_text (b, J_NUMBER, s, len);
}

static int
cb_string (void *b, const unsigned char *s, size_t len)
{
  return add_text (b, J_STRING, (const char *) s, len);
}

static int
cb_start (void *opaque)
{
  builder *b = opaque;
  if (b->depth == OCISPEC_MAX_DEPTH)
    {
      b->status = BUILD_TOO_DEEP;
      return 0;
    }
  frame *f = &b->frames[b->depth++];
  f->len = 0;
  f->key = NULL;
  f->key_len = 0;
  return 1;
}

static int
cb_map_key (void *opaque, const unsigned char *s, size_t len)
{
  builder *b = opaque;
  frame *f = &b->frames[b->depth - 1];
  if ((f->key = arena_strndup (&b->arena, (const char *) s, len)) == NULL)
    return nomem (b);
  f->key_len = len;
  return 1;
}

static int
cb_end_map (void *opaque)
{
  builder *b = opaque;
  frame *f = &b->frames[--b->depth];
  jnode v = { .type = J_OBJECT, .len = f->len };
  if (f->len > 0)
    {
      if ((v.u.members = arena_alloc (&b->arena, f->len * sizeof (jmember))) == NULL)
        return nomem (b);
      memcpy (v.u.members, f->buf, f->len * sizeof (jmember));
    }
  return add_value (b, v);
}

static int
cb_end_array (void *opaque)
{
  builder *b = opaque;
  frame *f = &b->frames[--b->depth];
  jnode v = { .type = J_ARRAY, .len = f->len };
  if (f->len > 0)
    {
      if ((v.u.items = arena_alloc (&b->arena, f->len * sizeof (jnode))) == NULL)
        return nomem (b);
      for (size_t i = 0; i < f->len; i++)
        v.u.items[i] = f->buf[i].value;
    }
  return add_value (b, v);
}

static const yajl_callbacks tree_callbacks = {
  .yajl_null = cb_null,
  .yajl_boolean = cb_boolean,
  .yajl_number = cb_number,
  .yajl_string = cb_string,
  .yajl_start_map = cb_start,
  .yajl_map_key = cb_map_key,
  .yajl_end_map = cb_end_map,
  .yajl_start_array = cb_start,
  .yajl_end_array = cb_end_array,
};

static void
builder_release (builder *b)
{
  for (size_t i = 0; i < OCISPEC_MAX_DEPTH; i++)
    free (b->frames[i].buf);
  arena_free (&b->arena);
}

static size_t
count_newlines (const unsigned char *s, size_t len)
{
  size_t n = 0;

  /* The final feed has no buffer, and NULL + 0 is undefined.  */
  if (len == 0)
    return 0;
  const unsigned char *end = s + len;
  while (s < end && (s = memchr (s, '\n', (size_t) (end - s))) != NULL)
    {
      n++;
      s++;
    }
  return n;
}

/* Incremental tree parser: feed chunks, then finish.  */
typedef struct tree_parser
{
  yajl_handle handle;
  builder *b;
  size_t lines; /* newlines in the chunks accepted so far */
} tree_parser;

static bool
tree_parser_init (tree_parser *tp, builder *b, ctx *c)
{
  memset (b, 0, sizeof *b);
  tp->b = b;
  tp->lines = 0;
  tp->handle = yajl_alloc (&tree_callbacks, NULL, b);
  if (tp->handle == NULL)
    set_error (c, NULL, "out of memory");
  return tp->handle != NULL;
}

/* Feed len bytes of buf, or finish the parse when final.  */
static bool
tree_parser_feed (tree_parser *tp, ctx *c, const unsigned char *buf, size_t len, bool final)
{
  yajl_status st = final ? yajl_complete_parse (tp->handle) : yajl_parse (tp->handle, buf, len);

  if (st == yajl_status_ok)
    {
      if (!final)
        tp->lines += count_newlines (buf, len);
      return true;
    }
  if (tp->b->status == BUILD_TOO_DEEP)
    set_error (c, NULL, "nesting deeper than %d levels", OCISPEC_MAX_DEPTH);
  else if (tp->b->status == BUILD_NOMEM)
    set_error (c, NULL, "out of memory");
  else
    {
      size_t consumed = final ? 0 : yajl_get_bytes_consumed (tp->handle);
      size_t line = tp->lines + count_newlines (buf, consumed < len ? consumed : len) + 1;
      /* Non-verbose errors are "<kind> error: <reason>\n".  */
      unsigned char *msg = yajl_get_error (tp->handle, 0, NULL, 0);
      size_t n = msg ? strlen ((char *) msg) : 0;
      while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
      set_error (c, NULL, "line %zu: invalid JSON: %.*s", line, (int) n,
                 msg ? (const char *) msg : "");
      if (msg != NULL)
        yajl_free_error (tp->handle, msg);
    }
  return false;
}

static void
tree_parser_release (tree_parser *tp)
{
  if (tp->handle != NULL)
    yajl_free (tp->handle);
  builder_release (tp->b);
}

/* ------------------------------------------------------------------------
   Scalars shared by conversion and generation.  */

static size_t
int_size (ocispec_int_repr r)
{
  switch (r)
    {
    case OCISPEC_INT8:
    case OCISPEC_UINT8:
      return 1;
    case OCISPEC_INT16:
    case OCISPEC_UINT16:
      return 2;
    case OCISPEC_INT32:
    case OCISPEC_UINT32:
      return 4;
    case OCISPEC_INT64:
    case OCISPEC_UINT64:
      break;
    }
  return 8;
}

static bool
int_signed (ocispec_int_repr r)
{
  return r <= OCISPEC_INT64;
}

/* Size of one array element or map value of type t.  */
static size_t
elem_size (const ocispec_type *t)
{
  if (t->kind == OCISPEC_KIND_BOOL)
    return sizeof (bool);
  if (t->kind == OCISPEC_KIND_INT)
    return int_size (t->repr);
  return sizeof (void *);
}

/* An integer is handled as a sign and a magnitude-or-value pair: neg with
   s < 0, or !neg with u.  */
typedef struct int_value
{
  bool neg;
  int64_t s;
  uint64_t u;
} int_value;

static bool
int_in_range (const ocispec_type *t, int_value v)
{
  if (v.neg)
    return v.s >= t->min;
  return v.u <= t->max && (t->min <= 0 || v.u >= (uint64_t) t->min);
}

static void
int_store (const ocispec_type *t, void *slot, int_value v)
{
  /* In range, so a signed type holds any !neg value in u and an unsigned
     type never sees neg.  */
  int64_t s = v.neg ? v.s : (int64_t) v.u;
  switch (t->repr)
    {
    case OCISPEC_INT8:
      *(int8_t *) slot = (int8_t) s;
      break;
    case OCISPEC_INT16:
      *(int16_t *) slot = (int16_t) s;
      break;
    case OCISPEC_INT32:
      *(int32_t *) slot = (int32_t) s;
      break;
    case OCISPEC_INT64:
      *(int64_t *) slot = s;
      break;
    case OCISPEC_UINT8:
      *(uint8_t *) slot = (uint8_t) v.u;
      break;
    case OCISPEC_UINT16:
      *(uint16_t *) slot = (uint16_t) v.u;
      break;
    case OCISPEC_UINT32:
      *(uint32_t *) slot = (uint32_t) v.u;
      break;
    case OCISPEC_UINT64:
      *(uint64_t *) slot = v.u;
      break;
    }
}

static int_value
int_load (const ocispec_type *t, const void *slot)
{
  int64_t s = 0;
  uint64_t u = 0;
  switch (t->repr)
    {
    case OCISPEC_INT8:
      s = *(const int8_t *) slot;
      break;
    case OCISPEC_INT16:
      s = *(const int16_t *) slot;
      break;
    case OCISPEC_INT32:
      s = *(const int32_t *) slot;
      break;
    case OCISPEC_INT64:
      s = *(const int64_t *) slot;
      break;
    case OCISPEC_UINT8:
      u = *(const uint8_t *) slot;
      break;
    case OCISPEC_UINT16:
      u = *(const uint16_t *) slot;
      break;
    case OCISPEC_UINT32:
      u = *(const uint32_t *) slot;
      break;
    case OCISPEC_UINT64:
      u = *(const uint64_t *) slot;
      break;
    }
  if (int_signed (t->repr))
    return s < 0 ? (int_value) { true, s, 0 } : (int_value) { false, 0, (uint64_t) s };
  return (int_value) { false, 0, u };
}

static bool
check_int (ctx *c, const ocispec_type *t, int_value v, const char *text, const jpath *p)
{
  char q[QUOTE_BUF];
  if (int_in_range (t, v))
    return true;
  set_error (c, p, "%s out of range %s", quote (q, text, strlen (text), false), t->range);
  return false;
}

/* Enforce a string type's enum and pattern.  s is NUL-terminated.  */
static bool
check_string (ctx *c, const ocispec_type *t, const char *s, size_t len, const jpath *p)
{
  char q[QUOTE_BUF];

  if (t->enum_values != NULL)
    {
      const char *const *e;
      for (e = t->enum_values; *e != NULL; e++)
        if (strcmp (*e, s) == 0)
          break;
      if (*e == NULL)
        {
          strbuf sb = { 0 };
          for (e = t->enum_values; *e != NULL; e++)
            {
              if (e != t->enum_values)
                sb_adds (&sb, ", ");
              sb_adds (&sb, *e);
            }
          set_error (c, p, "%s is not one of: %s", quote (q, s, len, true),
                     sb.failed ? "..." : sb.buf);
          free (sb.buf);
          return false;
        }
    }
  if (t->pattern != NULL && !ocispec_pattern_match (t->pattern, s))
    {
      set_error (c, p, "%s does not match %s", quote (q, s, len, true), t->pattern);
      return false;
    }
  return true;
}

static bool
check_min_items (ctx *c, const ocispec_type *t, size_t n, const jpath *p)
{
  if (n >= t->min_items)
    return true;
  set_error (c, p, "expected at least %zu item%s, got %zu", t->min_items,
             t->min_items == 1 ? "" : "s", n);
  return false;
}

/* ------------------------------------------------------------------------
   Tree -> structs.  */

static bool conv_value (ctx *c, const ocispec_type *t, const jnode *n, void *slot,
                        const jpath *p);

static bool
type_error (ctx *c, const jpath *p, const char *expected, const jnode *n)
{
  set_error (c, p, "expected %s, got %s", expected, jtype_name (n));
  return false;
}

static void *
conv_alloc (ctx *c, size_t n, size_t size, const jpath *p)
{
  void *mem = calloc (n, size);
  if (mem == NULL)
    set_error (c, p, "out of memory");
  return mem;
}

static char *
conv_strdup (ctx *c, const char *s, size_t len, const jpath *p)
{
  char *copy = conv_alloc (c, len + 1, 1, p);
  if (copy != NULL)
    memcpy (copy, s, len);
  return copy;
}

static bool
conv_string (ctx *c, const ocispec_type *t, const jnode *n, char **slot, const jpath *p)
{
  if (n->type != J_STRING)
    return type_error (c, p, "string", n);
  /* \u0000 is valid JSON but would silently truncate a C string.  */
  if (memchr (n->u.text, '\0', n->len) != NULL)
    {
      set_error (c, p, "string contains a NUL character");
      return false;
    }
  if (!check_string (c, t, n->u.text, n->len, p))
    return false;
  return (*slot = conv_strdup (c, n->u.text, n->len, p)) != NULL;
}

static bool
conv_int (ctx *c, const ocispec_type *t, const jnode *n, void *slot, const jpath *p)
{
  const char *s = n->u.text;
  char q[QUOTE_BUF];
  char *end;
  int_value v = { 0 };

  if (n->type != J_NUMBER)
    return type_error (c, p, "integer", n);
  /* yajl validated the syntax, so this is -?digits plus maybe a fraction
     or an exponent; integers must have neither.  */
  if (strpbrk (s, ".eE") != NULL)
    {
      set_error (c, p, "expected integer, got %s", quote (q, s, n->len, false));
      return false;
    }
  errno = 0;
  v.neg = s[0] == '-';
  if (v.neg)
    v.s = strtoll (s, &end, 10);
  else
    v.u = strtoull (s, &end, 10);
  if (v.neg && v.s == 0)
    v.neg = false; /* "-0" */
  if (errno == ERANGE || *end != '\0' || !int_in_range (t, v))
    {
      set_error (c, p, "%s out of range %s", quote (q, s, n->len, false), t->range);
      return false;
    }
  int_store (t, slot, v);
  return true;
}

static bool
conv_object (ctx *c, const ocispec_struct *s, const jnode *n, void **slot, const jpath *p)
{
  const jnode *vals[OCISPEC_MAX_FIELDS] = { NULL };
  char *obj;

  if (n->type != J_OBJECT)
    return type_error (c, p, "object", n);
  if ((obj = conv_alloc (c, 1, s->size, p)) == NULL)
    return false;
  *slot = obj;

  /* Pick each property's value; unknown properties are ignored, a repeated
     one takes its last value, and null counts as absent.  */
  for (size_t i = 0; i < n->len; i++)
    {
      const jmember *m = &n->u.members[i];
      for (size_t f = 0; f < s->n_fields; f++)
        if (m->key_len == s->fields[f].name_len
            && memcmp (m->key, s->fields[f].name, m->key_len) == 0)
          {
            vals[f] = m->value.type == J_NULL ? NULL : &m->value;
            break;
          }
    }

  for (size_t f = 0; f < s->n_fields; f++)
    {
      const ocispec_field *field = &s->fields[f];
      const ocispec_type *t = field->type;
      const jnode *v = vals[f];
      jpath fp = { p, field->name, field->name_len, 0 };

      if (v == NULL)
        {
          if (field->required)
            {
              set_error (c, p, "missing required property \"%s\"", field->name);
              return false;
            }
          continue;
        }
      if (t->kind == OCISPEC_KIND_ARRAY)
        {
          const ocispec_type *it = t->item;
          size_t es = elem_size (it);
          char *items;

          if (v->type != J_ARRAY)
            return type_error (c, &fp, "array", v);
          if (!check_min_items (c, t, v->len, &fp))
            return false;
          *(bool *) (obj + field->present_offset) = true;
          if (v->len == 0)
            continue;
          if ((items = conv_alloc (c, v->len, es, &fp)) == NULL)
            return false;
          *(void **) (obj + field->offset) = items;
          *(size_t *) (obj + field->len_offset) = v->len;
          for (size_t i = 0; i < v->len; i++)
            {
              jpath ip = { &fp, NULL, 0, i };
              if (!conv_value (c, it, &v->u.items[i], items + i * es, &ip))
                return false;
            }
          continue;
        }
      if (!conv_value (c, t, v, obj + field->offset, &fp))
        return false;
      if (t->kind == OCISPEC_KIND_BOOL || t->kind == OCISPEC_KIND_INT)
        *(bool *) (obj + field->present_offset) = true;
    }
  return true;
}

static bool
conv_map (ctx *c, const ocispec_type *t, const jnode *n, void **slot, const jpath *p)
{
  ocispec_map *map;
  char q[QUOTE_BUF];

  if (n->type != J_OBJECT)
    return type_error (c, p, "object", n);
  if ((map = conv_alloc (c, 1, sizeof *map, p)) == NULL)
    return false;
  *slot = map;
  if (n->len == 0)
    return true;
  if ((map->keys = conv_alloc (c, n->len, sizeof *map->keys, p)) == NULL
      || (map->values = conv_alloc (c, n->len, sizeof *map->values, p)) == NULL)
    return false;
  map->len = n->len;
  /* Keys stay in document order; repeated keys are kept as they are.  */
  for (size_t i = 0; i < n->len; i++)
    {
      const jmember *m = &n->u.members[i];
      jpath kp = { p, m->key, m->key_len, 0 };

      if (memchr (m->key, '\0', m->key_len) != NULL)
        {
          set_error (c, &kp, "property name contains a NUL character");
          return false;
        }
      if (t->pattern != NULL && !ocispec_pattern_match (t->pattern, m->key))
        {
          set_error (c, p, "property name %s does not match %s",
                     quote (q, m->key, m->key_len, true), t->pattern);
          return false;
        }
      if ((map->keys[i] = conv_strdup (c, m->key, m->key_len, p)) == NULL)
        return false;
      if (!conv_value (c, t->item, &m->value, &map->values[i], &kp))
        return false;
    }
  return true;
}

/* Write a tree node with yajl_gen; used to keep free-form objects as text.  */
static yajl_gen_status
gen_tree (yajl_gen g, const jnode *n)
{
  yajl_gen_status st = yajl_gen_status_ok;

  switch (n->type)
    {
    case J_NULL:
      return yajl_gen_null (g);
    case J_BOOL:
      return yajl_gen_bool (g, n->boolean);
    case J_NUMBER:
      return yajl_gen_number (g, n->u.text, n->len);
    case J_STRING:
      return yajl_gen_string (g, (const unsigned char *) n->u.text, n->len);
    case J_OBJECT:
      st = yajl_gen_map_open (g);
      for (size_t i = 0; st == yajl_gen_status_ok && i < n->len; i++)
        {
          const jmember *m = &n->u.members[i];
          st = yajl_gen_string (g, (const unsigned char *) m->key, m->key_len);
          if (st == yajl_gen_status_ok)
            st = gen_tree (g, &m->value);
        }
      return st == yajl_gen_status_ok ? yajl_gen_map_close (g) : st;
    case J_ARRAY:
      st = yajl_gen_array_open (g);
      for (size_t i = 0; st == yajl_gen_status_ok && i < n->len; i++)
        st = gen_tree (g, &n->u.items[i]);
      return st == yajl_gen_status_ok ? yajl_gen_array_close (g) : st;
    }
  return st;
}

static const char *
gen_status_text (yajl_gen_status st)
{
  switch (st)
    {
    case yajl_gen_invalid_string:
      return "invalid UTF-8 in string";
    case yajl_max_depth_exceeded:
      return "nesting too deep to generate";
    default:
      return "JSON generator error";
    }
}

static bool
conv_raw (ctx *c, const jnode *n, char **slot, const jpath *p)
{
  yajl_gen g;
  yajl_gen_status st;
  const unsigned char *buf;
  size_t len;

  if (n->type != J_OBJECT)
    return type_error (c, p, "object", n);
  if ((g = yajl_gen_alloc (NULL)) == NULL)
    {
      set_error (c, p, "out of memory");
      return false;
    }
  st = gen_tree (g, n);
  if (st == yajl_gen_status_ok)
    st = yajl_gen_get_buf (g, &buf, &len);
  if (st != yajl_gen_status_ok)
    set_error (c, p, "%s", gen_status_text (st));
  else
    *slot = conv_strdup (c, (const char *) buf, len, p);
  yajl_gen_free (g);
  return st == yajl_gen_status_ok && *slot != NULL;
}

/* Convert n into the storage slot of a value of type t (not an array: the
   generator only allows arrays as struct fields).  */
static bool
conv_value (ctx *c, const ocispec_type *t, const jnode *n, void *slot, const jpath *p)
{
  switch (t->kind)
    {
    case OCISPEC_KIND_STRING:
      return conv_string (c, t, n, slot, p);
    case OCISPEC_KIND_BOOL:
      if (n->type != J_BOOL)
        return type_error (c, p, "boolean", n);
      *(bool *) slot = n->boolean;
      return true;
    case OCISPEC_KIND_INT:
      return conv_int (c, t, n, slot, p);
    case OCISPEC_KIND_OBJECT:
      return conv_object (c, t->object, n, slot, p);
    case OCISPEC_KIND_MAP:
      return conv_map (c, t, n, slot, p);
    case OCISPEC_KIND_RAW_JSON:
      return conv_raw (c, n, slot, p);
    case OCISPEC_KIND_ARRAY:
      break;
    }
  set_error (c, p, "internal error: unsupported nested array");
  return false;
}

/* ------------------------------------------------------------------------
   Parse entry points.  */

static void *
convert_document (const ocispec_struct *desc, const jnode *root, ctx *c)
{
  void *doc = NULL;
  if (!conv_object (c, desc, root, &doc, NULL))
    {
      ocispec_struct_free (desc, doc);
      return NULL;
    }
  return doc;
}

void *
ocispec_parse_data (const ocispec_struct *desc, const char *data, size_t len,
                    const char *name, char **err)
{
  ctx c = { name, err, NULL };
  builder b;
  tree_parser tp;
  void *doc = NULL;

  if (err != NULL)
    *err = NULL;
  if (data == NULL)
    len = 0;
  if (!tree_parser_init (&tp, &b, &c))
    return NULL;
  if (tree_parser_feed (&tp, &c, (const unsigned char *) data, len, false)
      && tree_parser_feed (&tp, &c, NULL, 0, true))
    doc = convert_document (desc, &b.root, &c);
  tree_parser_release (&tp);
  return doc;
}

bool
oci_json_check (const char *data, size_t len, const char *name, char **err)
{
  ctx c = { name, err, NULL };
  builder b;
  tree_parser tp;
  bool ok;

  if (err != NULL)
    *err = NULL;
  if (data == NULL)
    len = 0;
  if (!tree_parser_init (&tp, &b, &c))
    return false;
  ok = tree_parser_feed (&tp, &c, (const unsigned char *) data, len, false)
       && tree_parser_feed (&tp, &c, NULL, 0, true);
  tree_parser_release (&tp);
  return ok;
}

void *
ocispec_parse_file (const ocispec_struct *desc, const char *path, char **err)
{
  enum { CHUNK = 65536 };
  ctx c = { path, err, NULL };
  builder b;
  tree_parser tp;
  unsigned char *buf;
  bool ok = true;
  void *doc = NULL;
  int fd;

  if (err != NULL)
    *err = NULL;
  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    {
      set_error (&c, NULL, "open: %s", strerror (errno));
      return NULL;
    }
  if ((buf = malloc (CHUNK)) == NULL)
    {
      set_error (&c, NULL, "out of memory");
      close (fd);
      return NULL;
    }
  if (!tree_parser_init (&tp, &b, &c))
    {
      free (buf);
      close (fd);
      return NULL;
    }
  for (;;)
    {
      ssize_t n = read (fd, buf, CHUNK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_error (&c, NULL, "read: %s", strerror (errno));
          ok = false;
          break;
        }
      if (n == 0)
        break;
      if (!(ok = tree_parser_feed (&tp, &c, buf, (size_t) n, false)))
        break;
    }
  free (buf);
  close (fd);
  if (ok && tree_parser_feed (&tp, &c, NULL, 0, true))
    doc = convert_document (desc, &b.root, &c);
  tree_parser_release (&tp);
  return doc;
}

/* ------------------------------------------------------------------------
   Free.  */

static void
free_value (const ocispec_type *t, void *slot)
{
  switch (t->kind)
    {
    case OCISPEC_KIND_STRING:
    case OCISPEC_KIND_RAW_JSON:
      free (*(char **) slot);
      break;
    case OCISPEC_KIND_OBJECT:
      ocispec_struct_free (t->object, *(void **) slot);
      break;
    case OCISPEC_KIND_MAP:
      ocispec_map_free (t, *(void **) slot);
      break;
    case OCISPEC_KIND_BOOL:
    case OCISPEC_KIND_INT:
    case OCISPEC_KIND_ARRAY:
      break;
    }
}

void
ocispec_map_free (const ocispec_type *t, void *p)
{
  ocispec_map *map = p;

  if (map == NULL)
    return;
  for (size_t i = 0; i < map->len; i++)
    {
      if (map->keys != NULL)
        free (map->keys[i]);
      if (map->values != NULL)
        free_value (t->item, &map->values[i]);
    }
  free (map->keys);
  free (map->values);
  free (map);
}

void
ocispec_struct_free (const ocispec_struct *desc, void *p)
{
  char *obj = p;

  if (obj == NULL)
    return;
  for (size_t f = 0; f < desc->n_fields; f++)
    {
      const ocispec_field *field = &desc->fields[f];
      const ocispec_type *t = field->type;

      if (t->kind == OCISPEC_KIND_ARRAY)
        {
          char *items = *(void **) (obj + field->offset);
          size_t len = *(size_t *) (obj + field->len_offset);
          size_t es = elem_size (t->item);
          if (items != NULL && t->item->kind != OCISPEC_KIND_BOOL
              && t->item->kind != OCISPEC_KIND_INT)
            for (size_t i = 0; i < len; i++)
              free_value (t->item, items + i * es);
          free (items);
        }
      else
        free_value (t, obj + field->offset);
    }
  free (obj);
}

/* ------------------------------------------------------------------------
   Equality.  */

static bool map_equal (const ocispec_type *t, const ocispec_map *a, const ocispec_map *b);

static bool
str_equal (const char *a, const char *b)
{
  return a == b || (a != NULL && b != NULL && strcmp (a, b) == 0);
}

static bool
value_equal (const ocispec_type *t, const void *a, const void *b)
{
  switch (t->kind)
    {
    case OCISPEC_KIND_STRING:
    case OCISPEC_KIND_RAW_JSON:
      return str_equal (*(char *const *) a, *(char *const *) b);
    case OCISPEC_KIND_BOOL:
      return *(const bool *) a == *(const bool *) b;
    case OCISPEC_KIND_INT:
      return memcmp (a, b, int_size (t->repr)) == 0;
    case OCISPEC_KIND_OBJECT:
      return ocispec_struct_equal (t->object, *(void *const *) a, *(void *const *) b);
    case OCISPEC_KIND_MAP:
      return map_equal (t, *(void *const *) a, *(void *const *) b);
    case OCISPEC_KIND_ARRAY:
      break;
    }
  return false;
}

static bool
map_equal (const ocispec_type *t, const ocispec_map *a, const ocispec_map *b)
{
  if (a == b)
    return true;
  if (a == NULL || b == NULL || a->len != b->len)
    return false;
  for (size_t i = 0; i < a->len; i++)
    if (!str_equal (a->keys[i], b->keys[i])
        || !value_equal (t->item, &a->values[i], &b->values[i]))
      return false;
  return true;
}

/* Deep equality; absent scalars and arrays compare equal whatever their
   stale values.  */
bool
ocispec_struct_equal (const ocispec_struct *desc, const void *pa, const void *pb)
{
  const char *a = pa, *b = pb;

  if (a == b)
    return true;
  if (a == NULL || b == NULL)
    return false;
  for (size_t f = 0; f < desc->n_fields; f++)
    {
      const ocispec_field *field = &desc->fields[f];
      const ocispec_type *t = field->type;

      if (t->kind == OCISPEC_KIND_ARRAY || t->kind == OCISPEC_KIND_BOOL
          || t->kind == OCISPEC_KIND_INT)
        {
          bool present = *(const bool *) (a + field->present_offset);
          if (present != *(const bool *) (b + field->present_offset))
            return false;
          if (!present)
            continue;
        }
      if (t->kind == OCISPEC_KIND_ARRAY)
        {
          size_t len = *(const size_t *) (a + field->len_offset);
          const char *ia = *(void *const *) (a + field->offset);
          const char *ib = *(void *const *) (b + field->offset);
          size_t es = elem_size (t->item);

          if (len != *(const size_t *) (b + field->len_offset))
            return false;
          for (size_t i = 0; i < len; i++)
            if (!value_equal (t->item, ia + i * es, ib + i * es))
              return false;
        }
      else if (!value_equal (t, a + field->offset, b + field->offset))
        return false;
    }
  return true;
}

/* ------------------------------------------------------------------------
   Structs -> JSON.  The generator checks what the parser checks (required
   properties, enums, patterns, ranges, minItems) so that only documents
   the parser accepts are produced.  */

static bool gen_value (ctx *c, const ocispec_type *t, const void *slot, const jpath *p);

static bool
gen_ok (ctx *c, yajl_gen_status st, const jpath *p)
{
  if (st == yajl_gen_status_ok)
    return true;
  set_error (c, p, "%s", gen_status_text (st));
  return false;
}

static bool
gen_key (ctx *c, const char *key, size_t len, const jpath *p)
{
  return gen_ok (c, yajl_gen_string (c->gen, (const unsigned char *) key, len), p);
}

static bool
gen_struct (ctx *c, const ocispec_struct *s, const char *obj, const jpath *p)
{
  if (!gen_ok (c, yajl_gen_map_open (c->gen), p))
    return false;
  for (size_t f = 0; f < s->n_fields; f++)
    {
      const ocispec_field *field = &s->fields[f];
      const ocispec_type *t = field->type;
      const char *slot = obj + field->offset;
      jpath fp = { p, field->name, field->name_len, 0 };
      bool present;

      if (t->kind == OCISPEC_KIND_ARRAY || t->kind == OCISPEC_KIND_BOOL
          || t->kind == OCISPEC_KIND_INT)
        present = *(const bool *) (obj + field->present_offset);
      else
        present = *(void *const *) slot != NULL;
      if (!present)
        {
          if (field->required)
            {
              set_error (c, p, "missing required property \"%s\"", field->name);
              return false;
            }
          continue;
        }
      if (!gen_key (c, field->name, field->name_len, p))
        return false;
      if (t->kind == OCISPEC_KIND_ARRAY)
        {
          const char *items = *(void *const *) slot;
          size_t len = *(const size_t *) (obj + field->len_offset);
          size_t es = elem_size (t->item);

          if (items == NULL && len > 0)
            {
              set_error (c, &fp, "NULL array with %zu items", len);
              return false;
            }
          if (!check_min_items (c, t, len, &fp)
              || !gen_ok (c, yajl_gen_array_open (c->gen), &fp))
            return false;
          for (size_t i = 0; i < len; i++)
            {
              jpath ip = { &fp, NULL, 0, i };
              if (!gen_value (c, t->item, items + i * es, &ip))
                return false;
            }
          if (!gen_ok (c, yajl_gen_array_close (c->gen), &fp))
            return false;
        }
      else if (!gen_value (c, t, slot, &fp))
        return false;
    }
  return gen_ok (c, yajl_gen_map_close (c->gen), p);
}

static bool
gen_map (ctx *c, const ocispec_type *t, const ocispec_map *map, const jpath *p)
{
  char q[QUOTE_BUF];

  if (map->len > 0 && (map->keys == NULL || map->values == NULL))
    {
      set_error (c, p, "NULL map arrays with %zu entries", map->len);
      return false;
    }
  if (!gen_ok (c, yajl_gen_map_open (c->gen), p))
    return false;
  for (size_t i = 0; i < map->len; i++)
    {
      const char *key = map->keys[i];
      size_t len;

      if (key == NULL)
        {
          set_error (c, p, "NULL key");
          return false;
        }
      len = strlen (key);
      if (t->pattern != NULL && !ocispec_pattern_match (t->pattern, key))
        {
          set_error (c, p, "property name %s does not match %s", quote (q, key, len, true),
                     t->pattern);
          return false;
        }
      jpath kp = { p, key, len, 0 };
      if (!gen_key (c, key, len, p) || !gen_value (c, t->item, &map->values[i], &kp))
        return false;
    }
  return gen_ok (c, yajl_gen_map_close (c->gen), p);
}

/* Replay stored JSON text into the output generator, so it is formatted
   like the rest of the document.  */

static int
raw_null (void *g)
{
  return yajl_gen_null (g) == yajl_gen_status_ok;
}

static int
raw_boolean (void *g, int v)
{
  return yajl_gen_bool (g, v) == yajl_gen_status_ok;
}

static int
raw_number (void *g, const char *s, size_t len)
{
  return yajl_gen_number (g, s, len) == yajl_gen_status_ok;
}

static int
raw_string (void *g, const unsigned char *s, size_t len)
{
  return yajl_gen_string (g, s, len) == yajl_gen_status_ok;
}

static int
raw_map_open (void *g)
{
  return yajl_gen_map_open (g) == yajl_gen_status_ok;
}

static int
raw_map_close (void *g)
{
  return yajl_gen_map_close (g) == yajl_gen_status_ok;
}

static int
raw_array_open (void *g)
{
  return yajl_gen_array_open (g) == yajl_gen_status_ok;
}

static int
raw_array_close (void *g)
{
  return yajl_gen_array_close (g) == yajl_gen_status_ok;
}

static const yajl_callbacks raw_callbacks = {
  .yajl_null = raw_null,
  .yajl_boolean = raw_boolean,
  .yajl_number = raw_number,
  .yajl_string = raw_string,
  .yajl_start_map = raw_map_open,
  .yajl_map_key = raw_string,
  .yajl_end_map = raw_map_close,
  .yajl_start_array = raw_array_open,
  .yajl_end_array = raw_array_close,
};

static bool
gen_raw (ctx *c, const char *text, const jpath *p)
{
  size_t skip = strspn (text, " \t\r\n");
  yajl_handle h;
  yajl_status st;

  /* yajl rejects trailing data, so text starting with '{' that parses is
     exactly one object.  */
  if (text[skip] != '{')
    {
      set_error (c, p, "stored JSON is not an object");
      return false;
    }
  if ((h = yajl_alloc (&raw_callbacks, NULL, c->gen)) == NULL)
    {
      set_error (c, p, "out of memory");
      return false;
    }
  st = yajl_parse (h, (const unsigned char *) text, strlen (text));
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  yajl_free (h);
  if (st != yajl_status_ok)
    set_error (c, p, "stored JSON is invalid or too deep");
  return st == yajl_status_ok;
}

static bool
gen_value (ctx *c, const ocispec_type *t, const void *slot, const jpath *p)
{
  switch (t->kind)
    {
    case OCISPEC_KIND_STRING:
      {
        const char *s = *(char *const *) slot;
        size_t len;
        if (s == NULL)
          {
            set_error (c, p, "NULL string");
            return false;
          }
        len = strlen (s);
        return check_string (c, t, s, len, p)
               && gen_ok (c, yajl_gen_string (c->gen, (const unsigned char *) s, len), p);
      }
    case OCISPEC_KIND_BOOL:
      return gen_ok (c, yajl_gen_bool (c->gen, *(const bool *) slot), p);
    case OCISPEC_KIND_INT:
      {
        int_value v = int_load (t, slot);
        char buf[32];
        int len = v.neg ? snprintf (buf, sizeof buf, "%" PRId64, v.s)
                        : snprintf (buf, sizeof buf, "%" PRIu64, v.u);
        return check_int (c, t, v, buf, p)
               && gen_ok (c, yajl_gen_number (c->gen, buf, (size_t) len), p);
      }
    case OCISPEC_KIND_OBJECT:
      {
        const void *obj = *(void *const *) slot;
        if (obj == NULL)
          {
            set_error (c, p, "NULL object");
            return false;
          }
        return gen_struct (c, t->object, obj, p);
      }
    case OCISPEC_KIND_MAP:
      {
        const ocispec_map *map = *(void *const *) slot;
        if (map == NULL)
          {
            set_error (c, p, "NULL map");
            return false;
          }
        return gen_map (c, t, map, p);
      }
    case OCISPEC_KIND_RAW_JSON:
      return gen_raw (c, *(char *const *) slot, p);
    case OCISPEC_KIND_ARRAY:
      break;
    }
  set_error (c, p, "internal error: unsupported nested array");
  return false;
}

char *
ocispec_generate (const ocispec_struct *desc, const void *doc, const char *what, bool pretty,
                  char **err)
{
  ctx c = { what, err, NULL };
  const unsigned char *buf;
  size_t len;
  char *out = NULL;

  if (err != NULL)
    *err = NULL;
  if (doc == NULL)
    {
      set_error (&c, NULL, "no document");
      return NULL;
    }
  if ((c.gen = yajl_gen_alloc (NULL)) == NULL)
    {
      set_error (&c, NULL, "out of memory");
      return NULL;
    }
  yajl_gen_config (c.gen, yajl_gen_validate_utf8, 1);
  if (pretty)
    {
      yajl_gen_config (c.gen, yajl_gen_beautify, 1);
      yajl_gen_config (c.gen, yajl_gen_indent_string, "    ");
    }
  if (gen_struct (&c, desc, doc, NULL)
      && gen_ok (&c, yajl_gen_get_buf (c.gen, &buf, &len), NULL))
    {
      if ((out = malloc (len + 1)) == NULL)
        set_error (&c, NULL, "out of memory");
      else
        {
          memcpy (out, buf, len);
          out[len] = '\0';
        }
    }
  yajl_gen_free (c.gen);
  return out;
}

/* ------------------------------------------------------------------------
   Pattern matching (see ocispec_json.h for the syntax).  Patterns come from
   the schema and were validated by generate.py, so they are trusted to be
   well formed here.  */

static unsigned char
unescape (char c)
{
  switch (c)
    {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'f':
      return '\f';
    case 'v':
      return '\v';
    default:
      return (unsigned char) c;
    }
}

/* One past the atom (character, escape, "." or class) at p.  */
static const char *
atom_end (const char *p)
{
  if (*p == '\\')
    return p + 2;
  if (*p != '[')
    return p + 1;
  p++;
  if (*p == '^')
    p++;
  while (*p != ']')
    p += *p == '\\' ? 2 : 1;
  return p + 1;
}

static bool
atom_matches (const char *p, unsigned char c)
{
  bool negate, found = false;

  if (*p == '.')
    return c != '\n' && c != '\r';
  if (*p == '\\')
    return c == unescape (p[1]);
  if (*p != '[')
    return c == (unsigned char) *p;
  p++;
  negate = *p == '^';
  if (negate)
    p++;
  while (*p != ']')
    {
      unsigned char lo, hi;
      lo = *p == '\\' ? unescape (*++p) : (unsigned char) *p;
      p++;
      hi = lo;
      if (*p == '-' && p[1] != ']')
        {
          p++;
          hi = *p == '\\' ? unescape (*++p) : (unsigned char) *p;
          p++;
        }
      if (lo <= c && c <= hi)
        found = true;
    }
  return found != negate;
}

/* Parse the quantifier at p (if any) into [*min, *max]; return its end.  */
static const char *
quantifier (const char *p, size_t *min, size_t *max)
{
  char *end;

  *min = *max = 1;
  switch (*p)
    {
    case '*':
      *min = 0;
      *max = SIZE_MAX;
      return p + 1;
    case '+':
      *max = SIZE_MAX;
      return p + 1;
    case '?':
      *min = 0;
      return p + 1;
    case '{':
      *min = *max = strtoul (p + 1, &end, 10);
      if (*end == ',')
        {
          end++;
          *max = *end == '}' ? SIZE_MAX : strtoul (end, &end, 10);
        }
      return end + 1; /* past '}' */
    default:
      return p;
    }
}

/* Match pat against a prefix of s.  Quantified atoms are matched greedily
   with a loop and backtrack one character at a time, so recursion depth is
   bounded by the number of atoms in the pattern, not by the length of s.  */
static bool
match_here (const char *pat, const char *s)
{
  for (;;)
    {
      const char *next;
      size_t min, max, n;

      if (*pat == '\0')
        return true;
      if (pat[0] == '$' && pat[1] == '\0')
        return *s == '\0';
      next = quantifier (atom_end (pat), &min, &max);
      if (min == 1 && max == 1)
        {
          if (*s == '\0' || !atom_matches (pat, (unsigned char) *s))
            return false;
          s++;
          pat = next;
          continue;
        }
      for (n = 0; n < max && s[n] != '\0' && atom_matches (pat, (unsigned char) s[n]); n++)
        ;
      if (n < min)
        return false;
      for (;; n--)
        {
          if (match_here (next, s + n))
            return true;
          if (n == min)
            return false;
        }
    }
}

bool
ocispec_pattern_match (const char *pattern, const char *s)
{
  if (*pattern == '^')
    return match_here (pattern + 1, s);
  do
    if (match_here (pattern, s))
      return true;
  while (*s++ != '\0');
  return false;
}

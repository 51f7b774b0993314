/* libFuzzer target: the config.json parser.  Whatever it accepts must
   generate, parse back to an equal document and generate the same text;
   whatever it refuses must give exactly one line.  The state and features
   documents go through the same walker with their own descriptors.  */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (char *err)
{
  if (err == NULL || strchr (err, '\n') != NULL || err[0] == '\0')
    {
      fprintf (stderr, "bad error message: [%s]\n", err ? err : "(null)");
      abort ();
    }
  free (err);
}

#define ROUND_TRIP(type, data, size)                                           \
  do                                                                           \
    {                                                                          \
      char *err = NULL;                                                        \
      type *doc                                                                \
          = type##_parse_data ((const char *)(data), (size), "fuzz", &err);    \
      if (doc == NULL)                                                         \
        {                                                                      \
          check_error (err);                                                   \
          break;                                                               \
        }                                                                      \
      for (int pretty = 0; pretty < 2; pretty++)                               \
        {                                                                      \
          char *json = type##_generate (doc, pretty, &err);                    \
          if (json == NULL)                                                    \
            {                                                                  \
              /* Documents the parser accepts can always be written.  */       \
              fprintf (stderr, "generate failed: %s\n", err);                  \
              abort ();                                                        \
            }                                                                  \
          type *again = type##_parse_data (json, strlen (json), "gen", &err);  \
          if (again == NULL || !type##_equal (doc, again))                     \
            {                                                                  \
              fprintf (stderr, "round trip: %s\n%s\n", err ? err : "differs",  \
                       json);                                                  \
              abort ();                                                        \
            }                                                                  \
          char *json2 = type##_generate (again, pretty, &err);                 \
          if (json2 == NULL || strcmp (json, json2) != 0)                      \
            {                                                                  \
              fprintf (stderr, "generation not stable:\n%s\n", json);          \
              abort ();                                                        \
            }                                                                  \
          free (json2);                                                        \
          free (json);                                                         \
          type##_free (again);                                                 \
        }                                                                      \
      type##_free (doc);                                                       \
    }                                                                          \
  while (0)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ROUND_TRIP (oci_config, data, size);
  ROUND_TRIP (oci_state, data, size);
  return 0;
}

#ifndef FAIRRATE_PATHS_H
#define FAIRRATE_PATHS_H

#include <stddef.h>

/*
 * Where fairrate finds the files it ships: migrations/, methodology/, docs/.
 */

/* paths_share_dir: $FAIRRATE_SHARE_DIR if set; else the first folder holding
 * migrations/ among the executable's folder, its parent and grandparent (for
 * build/san/fairrate), and the current folder. Static result; "." as a last resort. */
const char *paths_share_dir(void);

/* paths_join: write "<share dir>/<rel>" into out (size n); 0, or -1 if it does not fit. */
int paths_join(char *out, size_t n, const char *rel);

#endif

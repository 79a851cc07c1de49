#ifndef FAIRRATE_API_PORTAL_FILES_H
#define FAIRRATE_API_PORTAL_FILES_H

/*
 * The rules for the portal's static files (portal/ in the share folder), kept pure so
 * that unit tests reach them: which names may be served, with which content type and
 * caching. The portal folder is flat: every file is served as /portal/NAME.
 */

/* portal_files_name_ok: 1 when name may be served: 1 to 64 characters of
 * [A-Za-z0-9._-], starting with a letter or digit, no "..", and an extension that
 * portal_files_content_type knows; else 0. A name with '/' or '\' never passes. */
int portal_files_name_ok(const char *name);

/* portal_files_content_type: the Content-Type for name by its extension (html, js,
 * css, svg, json, txt, png, ico), or NULL for any other. Static string. */
const char *portal_files_content_type(const char *name);

/* portal_files_cache_control: the Cache-Control value for name: "no-cache" for HTML
 * (the page always revalidates, so a new release shows at once), "public,
 * max-age=300" for the rest. Static string. */
const char *portal_files_cache_control(const char *name);

#endif

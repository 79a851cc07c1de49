#ifndef FAIRRATE_API_MESSAGES_H
#define FAIRRATE_API_MESSAGES_H

#include <stddef.h>

#include <jansson.h>

#include "common/i18n.h"

/*
 * The texts the server writes itself, in the request's language. Error messages are
 * translated where they are formatted (request_reply_error: the English format is
 * the msgid of po/api-<lang>.po); this module translates what is already in a JSON
 * answer: the message of an {"error": ...} object built by a handler, and the
 * English sentences stored in the database (an evidence item's status_reason, a
 * rating's insufficient_reason), recognised by the pattern they were written with
 * and never stored in another language. Pure: no I/O.
 */

/* messages_stored: the translation into cat of text, a whole sentence the server
 * made in English (stored in the database, or made by a module that knows no
 * language: a plan's bad target, a JSON parse error): a msgid of cat, or one of the
 * patterns sentences are written with, its values kept; into out (n bytes) when it
 * is a pattern. text itself when cat is NULL, or text is none of those, or cat does
 * not translate it. */
const char *messages_stored(const struct i18n *cat, const char *text, char *out,
    size_t n);

/* messages_translate_json: translate v in place for cat's language (nothing when cat
 * is NULL): the "message" of a top-level "error" object, and every "status_reason"
 * and "insufficient_reason" string at any depth (messages_stored). Returns 0, or -1
 * when memory is short (v keeps the texts not yet done). */
int messages_translate_json(const struct i18n *cat, json_t *v);

#endif

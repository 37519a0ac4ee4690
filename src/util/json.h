/*
 * json — a tiny JSON writer for `--json` output: values appended to a strbuf, commas and
 * nesting tracked, strings escaped (RFC 8259; UTF-8 passes through, control characters become
 * \uXXXX). Writing only: embudo never parses JSON in C. One owner, any thread.
 *
 * Usage: json_init(&j, &sb); json_obj(&j); json_key(&j, "lote"); json_int(&j, 7);
 *        json_end(&j); then print sb.buf.
 */
#ifndef UTIL_JSON_H
#define UTIL_JSON_H

#include <stdbool.h>
#include <stdint.h>

struct strbuf;

#define JSON_DEPTH_MAX 16

struct json {
    struct strbuf *sb; /* borrowed; the output goes here */
    int depth;
    bool after_key; /* the next value follows "key": and takes no comma */
    bool has_item[JSON_DEPTH_MAX + 1];
    char closer[JSON_DEPTH_MAX + 1];
};

void json_init(struct json *j, struct strbuf *sb);
/* Opens an object / an array (as a value). Nesting deeper than JSON_DEPTH_MAX asserts. */
void json_obj(struct json *j);
void json_arr(struct json *j);
/* Closes the innermost object or array. */
void json_end(struct json *j);
/* A member name inside an object; the next call writes its value. */
void json_key(struct json *j, const char *key);
/* Values. json_str(NULL) writes null. json_num writes already-valid number text as is;
 * json_raw any already-valid JSON text (a document the database produced as jsonb). */
void json_str(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_num(struct json *j, const char *number_text);
void json_raw(struct json *j, const char *json_text);
/* Appends s as a quoted JSON string to sb. */
void json_escape(struct strbuf *sb, const char *s);

#endif

#include "util/json.h"

#include <assert.h>
#include <inttypes.h>

#include "util/strbuf.h"

void
json_init(struct json *j, struct strbuf *sb)
{
    *j = (struct json){ .sb = sb };
}

/* Writes the comma a new value needs and marks the level as having items. */
static void
json_sep(struct json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->has_item[j->depth])
        strbuf_addch(j->sb, ',');
    j->has_item[j->depth] = true;
}

static void
json_open(struct json *j, char open, char close)
{
    json_sep(j);
    assert(j->depth < JSON_DEPTH_MAX);
    strbuf_addch(j->sb, open);
    j->depth++;
    j->has_item[j->depth] = false;
    j->closer[j->depth] = close;
}

void
json_obj(struct json *j)
{
    json_open(j, '{', '}');
}

void
json_arr(struct json *j)
{
    json_open(j, '[', ']');
}

void
json_end(struct json *j)
{
    assert(j->depth > 0);
    strbuf_addch(j->sb, j->closer[j->depth]);
    j->depth--;
}

void
json_key(struct json *j, const char *key)
{
    json_sep(j);
    json_escape(j->sb, key);
    strbuf_addch(j->sb, ':');
    j->after_key = true;
}

void
json_str(struct json *j, const char *s)
{
    json_sep(j);
    if (s == NULL)
        strbuf_addstr(j->sb, "null");
    else
        json_escape(j->sb, s);
}

void
json_int(struct json *j, int64_t v)
{
    json_sep(j);
    strbuf_addf(j->sb, "%" PRId64, v);
}

void
json_bool(struct json *j, bool v)
{
    json_sep(j);
    strbuf_addstr(j->sb, v ? "true" : "false");
}

void
json_null(struct json *j)
{
    json_sep(j);
    strbuf_addstr(j->sb, "null");
}

void
json_num(struct json *j, const char *number_text)
{
    json_raw(j, number_text);
}

void
json_raw(struct json *j, const char *json_text)
{
    json_sep(j);
    strbuf_addstr(j->sb, json_text);
}

void
json_escape(struct strbuf *sb, const char *s)
{
    strbuf_addch(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        switch (*p) {
        case '"':
            strbuf_addstr(sb, "\\\"");
            break;
        case '\\':
            strbuf_addstr(sb, "\\\\");
            break;
        case '\n':
            strbuf_addstr(sb, "\\n");
            break;
        case '\r':
            strbuf_addstr(sb, "\\r");
            break;
        case '\t':
            strbuf_addstr(sb, "\\t");
            break;
        default:
            if (*p < 0x20)
                strbuf_addf(sb, "\\u%04x", *p);
            else
                strbuf_addch(sb, (char)*p);
        }
    }
    strbuf_addch(sb, '"');
}

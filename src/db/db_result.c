/*
 * db_result — statement runners and column readers shared by the src/db modules (declared
 * in db_internal.h). Any thread, on the struct db it owns at that moment.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

int
db_query_rows(struct db *db, const char *sql, int n, const char *const *params, PGresult **res,
              struct err *e)
{
    *res = PQexecParams(db_pg(db), sql, n, NULL, params, NULL, NULL, 0);
    return db_check(db, *res, PGRES_TUPLES_OK, e);
}

int
db_query_row(struct db *db, const char *sql, int n, const char *const *params, PGresult **res,
             struct err *e)
{
    int rc = db_query_rows(db, sql, n, params, res, e);

    if (rc == RC_OK && PQntuples(*res) != 1)
        rc = err_set(e, RC_DB, "respuesta inesperada de la base de datos: %d filas en lugar de 1",
                     PQntuples(*res));
    return rc;
}

const char *
db_num_i64(struct db_num *n, int64_t v)
{
    snprintf(n->s, sizeof n->s, "%" PRId64, v);
    return n->s;
}

int64_t
db_col_i64(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

int
db_col_int(const PGresult *res, int row, int col)
{
    return (int)db_col_i64(res, row, col);
}

double
db_col_double(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0.0 : strtod(PQgetvalue(res, row, col), NULL);
}

bool
db_col_bool(const PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

void
db_col_copy(char *dst, size_t size, const PGresult *res, int row, int col)
{
    const char *src = PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col);
    size_t n = strlen(src);

    if (size == 0)
        return;
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
            n--; /* src[n] continues a character: cut before that character's lead byte */
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

char *
db_col_dup(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

char *
db_col_str(const PGresult *res, int row, int col)
{
    return xstrdup(PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

void
db_array_elem(struct strbuf *sb, const char *s)
{
    if (s == NULL) {
        strbuf_addstr(sb, "NULL");
        return;
    }
    strbuf_addch(sb, '"');
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            strbuf_addch(sb, '\\');
        strbuf_addch(sb, *s);
    }
    strbuf_addch(sb, '"');
}

/* db_wa_manual — manual WhatsApp texts under the daily cap. See db_wa_manual.h. */
#include "db/db_wa_manual.h"

#include <assert.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/err.h"

int
db_wa_envio_manual(struct db *db, const char *telefono, const char *jid, const char *wa_id,
                   int *quedan, struct err *e)
{
    const char *p[3] = { telefono, jid, wa_id };
    char *out = NULL;
    int rc;

    assert(db != NULL && quedan != NULL);
    rc = db_query_text(db, "SELECT api.wa_envio_manual($1, $2, $3)", 3, p, &out, e);
    *quedan = rc == RC_OK && out != NULL ? atoi(out) : 0;
    free(out);
    return rc;
}

int
db_wa_envio_manual_estado(struct db *db, const char *wa_id, const char *estado, const char *error,
                          struct err *e)
{
    const char *p[3] = { wa_id, estado, error };
    char *out = NULL;
    int rc;

    assert(db != NULL);
    rc = db_query_text(db, "SELECT api.wa_envio_manual_estado($1, $2, $3)", 3, p, &out, e);
    free(out);
    return rc;
}

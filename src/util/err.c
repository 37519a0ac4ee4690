#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
err_set(struct err *e, enum rc rc, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return rc;
    e->rc = rc;
    e->code[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return rc;
}

int
err_wrap(struct err *e, const char *fmt, ...)
{
    char out[ERR_MSG_BYTES];
    size_t plen, mlen;
    va_list ap;

    if (e == NULL)
        return RC_INVAL;
    va_start(ap, fmt);
    vsnprintf(out, sizeof out, fmt, ap);
    va_end(ap);
    plen = strlen(out);
    if (plen + 2 < sizeof out) {
        memcpy(out + plen, ": ", 2);
        plen += 2;
        mlen = strnlen(e->msg, sizeof e->msg);
        if (mlen > sizeof out - 1 - plen)
            mlen = sizeof out - 1 - plen;
        memcpy(out + plen, e->msg, mlen);
        out[plen + mlen] = '\0';
    }
    memcpy(e->msg, out, sizeof e->msg);
    return e->rc;
}

void
err_clear(struct err *e)
{
    if (e == NULL)
        return;
    e->rc = RC_OK;
    e->code[0] = '\0';
    e->msg[0] = '\0';
}

const char *
rc_name(enum rc rc)
{
    switch (rc) {
    case RC_OK:
        return "ok";
    case RC_INVAL:
        return "entrada inválida";
    case RC_NOTFOUND:
        return "no encontrado";
    case RC_IO:
        return "error de E/S";
    case RC_DB:
        return "error de base de datos";
    case RC_NET:
        return "error de red";
    case RC_CRYPTO:
        return "error criptográfico";
    case RC_CLOSED:
        return "cerrado";
    case RC_REFUSED:
        return "rechazado";
    case RC_BUSY:
        return "ocupado";
    }
    return "desconocido";
}

/*
 * err — the error record every fallible function fills (STYLE.md §B.4).
 *
 * A fallible function returns RC_OK (0) or a negative enum rc and takes a
 * `struct err *e` last; e may be NULL. Lower layers fill e and never print.
 * Callers branch on rc (and on e->code for database refusals), never on text.
 * Safe on any thread: the record is a fixed buffer owned by the caller.
 */
#ifndef UTIL_ERR_H
#define UTIL_ERR_H

enum rc {
    RC_OK = 0,
    RC_INVAL = -1,    /* bad input: flag, config, file, form */
    RC_NOTFOUND = -2, /* the thing named does not exist */
    RC_IO = -3,       /* file system or process failure */
    RC_DB = -4,       /* the database failed or is unreachable */
    RC_NET = -5,      /* network failure */
    RC_CRYPTO = -6,   /* cryptographic failure */
    RC_CLOSED = -7,   /* the peer or resource is closed */
    RC_REFUSED = -8,  /* a business rule refused the action; code holds the SQLSTATE */
    RC_BUSY = -9,     /* someone else holds the resource (lock, sender) */
};

#define ERR_MSG_BYTES 512

struct err {
    enum rc rc;
    char code[6];             /* SQLSTATE when the database refused, "" otherwise */
    char msg[ERR_MSG_BYTES];  /* Spanish, ready for a person to read */
};

/* Fills e (when not NULL) and returns rc, so callers can `return err_set(...)`. */
int err_set(struct err *e, enum rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes e->msg with "prefix: " (printf-style), keeping rc and code. Returns e->rc. */
int err_wrap(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resets e to RC_OK with empty message and code. NULL-safe. */
void err_clear(struct err *e);

/* A short Spanish name for rc, for logs. */
const char *rc_name(enum rc rc);

#endif

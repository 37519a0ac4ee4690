/*
 * reconnect — what to do after a transport closes: the close-code policy.
 *
 * Pure: a close code, the phase the connection was in and the number of attempts since
 * the last successful open go in; a decision (reconnect now, after a jittered backoff,
 * or stop and ask the user) and its Spanish explanation come out. The jitter is drawn
 * from a caller-seeded struct rng, so tests are exact. Any thread; no state.
 */
#ifndef CORE_RECONNECT_H
#define CORE_RECONNECT_H

#include <stdbool.h>
#include <stdint.h>

struct rng;

/* The backoff schedule: base * 2^attempt capped at max, with "equal jitter" (see .c). */
#define RECONNECT_BASE_MS INT64_C(1000)
#define RECONNECT_MAX_MS  INT64_C(300000) /* 5 min */

enum reconnect_action {
    RECONNECT_NOW,     /* reconnect at once (515 restart required) */
    RECONNECT_BACKOFF, /* reconnect after delay_ms */
    RECONNECT_RELINK,  /* stop: the device was removed; the user must scan a new QR */
    RECONNECT_ASK,     /* stop: retrying cannot help or would harm; ask the user */
    RECONNECT_NONE,    /* stop quietly: we closed it ourselves */
};

struct reconnect_decision {
    enum reconnect_action action;
    int64_t delay_ms; /* 0 unless RECONNECT_BACKOFF */
    char why[160];    /* one Spanish line for the status bar and the log */
};

/*
 * Decides what to do after a close with `code` (enum transport_close_code or a server
 * code). linking is true when the close came before the first open of this connection
 * while a QR was being shown: a 408 then means every QR expired and we ask rather than
 * loop. attempt counts reconnects since the last open (0 for the first), and grows the
 * backoff. Draws from rng only for RECONNECT_BACKOFF.
 *
 * The policy: network errors (0), 5xx, 408, 428 and any unknown code back off with
 * jitter; 515 reconnects now; 401 asks for a new link; 403, 411, 440 and a refused token
 * (TRANSPORT_CLOSE_CREDENTIALS) stop and ask.
 */
void reconnect_decide(int code, bool linking, unsigned attempt, struct rng *rng,
                      struct reconnect_decision *out);

/* The backoff delay for attempt (0-based): a value in [b/2, b] with b = min(max, base*2^n). */
int64_t reconnect_backoff_ms(unsigned attempt, struct rng *rng);

/* Spanish name of an action ("reconectar en espera"...). */
const char *reconnect_action_name(enum reconnect_action a);

#endif

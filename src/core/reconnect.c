#include "core/reconnect.h"

#include <assert.h>
#include <stdio.h>

#include "core/rng.h"
#include "core/transport.h"

/*
 * Equal jitter: half of the exponential step is fixed, half is random. Many accounts
 * dropped by the same outage spread over the window instead of reconnecting in
 * lock-step, and no retry comes sooner than half the step (full jitter can retry at
 * once, which hammers a server that just said 5xx).
 */
int64_t
reconnect_backoff_ms(unsigned attempt, struct rng *rng)
{
    int64_t step = RECONNECT_BASE_MS;

    for (unsigned i = 0; i < attempt && step < RECONNECT_MAX_MS; i++)
        step *= 2;
    if (step > RECONNECT_MAX_MS)
        step = RECONNECT_MAX_MS;
    return step / 2 + rng_range(rng, 0, step - step / 2);
}

static void
decide_stop(int code, enum reconnect_action action, struct reconnect_decision *out)
{
    out->action = action;
    out->delay_ms = 0;
    switch (code) {
    case TRANSPORT_CLOSE_LOGGED_OUT:
        snprintf(out->why, sizeof out->why,
                 "sesión cerrada desde el teléfono (401): vuelva a vincular con el código QR");
        break;
    case TRANSPORT_CLOSE_FORBIDDEN:
        snprintf(out->why, sizeof out->why,
                 "WhatsApp restringió la cuenta (403): no se reintenta; revise el teléfono");
        break;
    case TRANSPORT_CLOSE_MD_MISMATCH:
        snprintf(out->why, sizeof out->why,
                 "dispositivo incompatible (411): vuelva a vincular o actualice embudo");
        break;
    case TRANSPORT_CLOSE_REPLACED:
        snprintf(out->why, sizeof out->why,
                 "otra sesión abrió esta cuenta (440): no se reconecta para no pelearla");
        break;
    case TRANSPORT_CLOSE_LOCAL:
        snprintf(out->why, sizeof out->why, "desconectado a petición");
        break;
    case TRANSPORT_CLOSE_CREDENTIALS:
        snprintf(out->why, sizeof out->why,
                 "Meta rechazó el token de acceso: el administrador debe renovarlo; no se "
                 "reintenta");
        break;
    default:
        snprintf(out->why, sizeof out->why,
                 "los códigos QR expiraron sin escanearse: pulse r para pedir uno nuevo");
        break;
    }
}

void
reconnect_decide(int code, bool linking, unsigned attempt, struct rng *rng,
                 struct reconnect_decision *out)
{
    assert(out != NULL);
    switch (code) {
    case TRANSPORT_CLOSE_LOCAL:
        decide_stop(code, RECONNECT_NONE, out);
        return;
    case TRANSPORT_CLOSE_LOGGED_OUT:
        decide_stop(code, RECONNECT_RELINK, out);
        return;
    case TRANSPORT_CLOSE_FORBIDDEN:
    case TRANSPORT_CLOSE_MD_MISMATCH:
    case TRANSPORT_CLOSE_REPLACED:
    case TRANSPORT_CLOSE_CREDENTIALS:
        decide_stop(code, RECONNECT_ASK, out);
        return;
    case TRANSPORT_CLOSE_RESTART:
        out->action = RECONNECT_NOW;
        out->delay_ms = 0;
        snprintf(out->why, sizeof out->why, "reinicio requerido (515): reconectando ya");
        return;
    case TRANSPORT_CLOSE_TIMED_OUT:
        if (linking) {
            decide_stop(code, RECONNECT_ASK, out);
            return;
        }
        break;
    default:
        break;
    }
    /* Network errors, 5xx, 408, 428 and codes we do not know: transient until proven
     * otherwise. */
    assert(rng != NULL);
    out->action = RECONNECT_BACKOFF;
    out->delay_ms = reconnect_backoff_ms(attempt, rng);
    snprintf(out->why, sizeof out->why, "%s (%d): reintento %u en %lld s",
             transport_close_name(code), code, attempt + 1,
             (long long)((out->delay_ms + 999) / 1000));
}

const char *
reconnect_action_name(enum reconnect_action a)
{
    switch (a) {
    case RECONNECT_NOW:
        return "reconectar ya";
    case RECONNECT_BACKOFF:
        return "reconectar tras espera";
    case RECONNECT_RELINK:
        return "volver a vincular";
    case RECONNECT_ASK:
        return "detenido: preguntar";
    case RECONNECT_NONE:
        return "sin reconexión";
    }
    return "?";
}

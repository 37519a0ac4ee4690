/*
 * cmd_worker — `embudo worker [--once] [--sin-envio | --solo-cloud]`: the timer sweep, the
 * suppression of personal data whose block has ended (sql/080: the law's deadline is kept
 * without anyone remembering it) and the WhatsApp senders, headless. --sin-envio: sweep and
 * suppressions only; no account is listed and no sender starts (the central worker of a server
 * where every promoter sends with a worker of their own, below). --solo-cloud: the same, plus
 * the senders of the CLOUD accounts (Meta's Cloud API: the lender's numbers, sent by the
 * service account with the token file; docs/wa-cloud.md), never a WEB one.
 *
 * Senders use the configured transport (wa.transport / EMBUDO_TRANSPORT): sim, or web — the real
 * networks, per account (src/cmd/wa_sender): the native client for a WEB account (src/cmd/wa_web:
 * its sealed credentials and Signal state), Meta's Cloud API for a CLOUD one (src/cmd/wa_cloud).
 *
 * One libuv loop on the main thread. The sweep (rt/sweep.h), the suppressions
 * (api.arco_suprimir) and the list of accounts with server-side sending
 * (api.wa_cuentas_servidor) run as jobs on one rt/worker thread that owns
 * their connection; every SWEEP_PERIOD_S a uv_timer submits them again. For each account
 * listed, one sender thread (rt/sender.h) runs; a sender that could not start (another session
 * sends for that account, the database was unreachable) is retried on the next round, one the
 * reconnect policy stopped (re-link, banned, replaced…) waits for the user: it is not retried
 * by this process. SIGINT/SIGTERM stop everything cleanly (uv_loop_close() must return 0).
 *
 * Identity: the worker connects as the embedded cluster's superuser (postgres), or the role
 * configured for an external server; `--as LOGIN` overrides on the embedded cluster. The
 * database decides what it sends for (sql/084): a server session (admin, superuser,
 * embudo_owner) every account whose promoter enabled envio_servidor; a promoter's session
 * (the per-user unit embudo-worker@LOGIN: that Unix user, their role, their key file) only
 * their own account, under the same conditions; anyone else nothing. A promoter's session
 * sweeps like the promoter's terminal does (api.barrer_timers is every working group's) and
 * says once that it does not suppress (EB101).
 *
 * Each new connection first reads who its session is (db_sesion: crm.mi_rol() and the sweep's
 * grants). A session that may not run the sweep — the auditor, whose role only reads
 * (sql/071), or a role with no embudo grants — is refused before anything runs: said once on
 * stderr with the account to use («un auditor no puede correr el worker: …; use la cuenta
 * svc_embudo o un administrador»), and the worker ends with 1, the long-running one too.
 * Decided over "run nothing": such a worker could do nothing at all (the sweep and the
 * suppressions are refused, it has no account to send for), so staying up would only hide a
 * unit started with the wrong account; the units do not restart on 1 (RestartPreventExitStatus).
 *
 * Credentials are sealed with the key file of the Unix user who linked the account
 * (wa.key_file, per user). A sender that cannot open them with this process's key (RC_CRYPTO
 * before it started: another user's key) is said once, with the fix, and parked until the
 * account is linked again (its JID changes) or the process restarts: retrying every round
 * would take the account's lock and fail again.
 *
 * A CLOUD account (docs/wa-cloud.md) has no sealed credentials: its sender reads Meta's token
 * from wa.cloud_token_archivo and starts whatever the key file's state.
 *
 * Every WEB account opens with the one key file, so over web the worker looks at it before starting
 * senders: lstat() each round, and opens it only when that changed since the last look
 * (core/keywatch). Missing or unusable, it is said once on stderr with the fix and no sender
 * starts (no lock taken, nothing connects); unchanged, the next rounds say and start nothing;
 * the round it appears or changes it is opened again and, usable, the senders start («ya se
 * puede usar; se intenta otra vez»). Retrying every round would log the same failure once a
 * minute, per account, forever. A relink alone does not retry: its key file is whoever linked.
 *
 * --once: one sweep, then each account's sender runs until nothing is due (its first
 * SENDER_EV_IDLE) and stops; exits 0, or 1 when a sweep or a sender failed (one that could
 * not open its credentials too: what was due did not leave).
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "cmd/wa_sender.h"
#include "core/config.h"
#include "core/keywatch.h"
#include "crypto/seal.h"
#include "db/db.h"
#include "db/db_arco.h"
#include "db/db_sender.h"
#include "db/db_sesion.h"
#include "db/db_wa_cloud.h"
#include "rt/sender.h"
#include "rt/sweep.h"
#include "rt/worker.h"
#include "util/err.h"
#include "util/xmalloc.h"

extern char **environ;

struct wk_sender {
    int cuenta;
    struct sender *s; /* NULL when not running */
    bool parked;      /* stopped by the reconnect policy: the user decides */
    bool started;     /* SENDER_EV_STARTED seen since the last start */
    bool sellada;     /* its credentials are sealed with another key: waits for a new link */
    bool cloud;       /* sends through Meta's Cloud API: needs no key file (docs/wa-cloud.md) */
    char login[64];   /* the account's login and JID as of the last round ("" = unknown) */
    char jid[64];
    char jid_sellada[64]; /* the JID when sellada was set */
    unsigned sent, failed, uncertain;
};

struct wk {
    const struct cmd_ctx *ctx;
    uv_loop_t loop;
    uv_timer_t tick;
    uv_signal_t sigint, sigterm;
    struct worker *jobs;
    struct sender_options opt;
    struct sender_factory web; /* transport = web: src/cmd/wa_sender */
    const char *login;         /* the session's login (NULL = configured) */
    bool once, sin_envio, solo_cloud, stopping;
    bool sin_arco; /* the session may not suppress (EB101): said once, not tried again */
    bool por_web;  /* senders open credentials with wa.key_file (transport web) */
    struct keywatch llave; /* that file as last checked: checked again only when it changes */
    int status;
    struct wk_sender *sv;
    size_t nsv;
    char proceso[160];
};

/* The job: sweep, suppressions, then the account list with each account's login and JID,
 * on the worker thread's own connection. */
struct wk_job {
    struct job job; /* first member */
    struct wk *w;
    bool arco;  /* try the suppressions (read from w->sin_arco on the loop thread) */
    bool envio; /* list the accounts (not --sin-envio) */
    struct sweep_run run;
    struct db_arco_supresion *sup;
    size_t nsup;
    int *ids;
    struct db_sender_cuenta *cu; /* per id; usuario_id 0 when it could not be read */
    bool *cloud;                 /* per id: a CLOUD account */
    size_t n;
    bool vetado; /* this connection's session may not run the worker: nothing ran */
    struct err e, ae, le, ve;
    int rc, arc, lrc;
};

struct wk_state {
    struct db *db;
    const struct config *cfg;
    const char *login;
};

static void
wk_state_fini(void *state)
{
    struct wk_state *st = state;

    db_close(st->db);
    free(st);
}

/* Worker thread: a new connection, and who its session is, before anything runs on it. A
 * session that may not sweep (the auditor) would be refused the whole round every minute:
 * j->vetado with the reason in j->ve, and the loop thread ends the worker. */
static int
wk_open(struct wk_state *st, struct wk_job *j)
{
    struct db_sesion s;
    int rc;

    if ((st->db = db_open(st->cfg, st->login, &j->e)) == NULL)
        return j->e.rc;
    if ((rc = db_sesion_load(st->db, &s, &j->e)) != RC_OK) {
        db_close(st->db); /* reopened, and asked again, by the next round */
        st->db = NULL;
        return rc;
    }
    j->vetado = !crm_cmd_sesion_barre(
        &s, "el worker", "barre los temporizadores, suprime datos ARCO y envía campañas", &j->ve);
    return RC_OK;
}

/* Worker thread. */
static void
wk_job_run(struct job *job, void *state)
{
    struct wk_job *j = (struct wk_job *)job;
    struct wk_state *st = state;

    if (st->db == NULL && wk_open(st, j) != RC_OK) {
        j->rc = j->lrc = j->e.rc;
        j->le = j->e;
        return;
    }
    if (j->vetado)
        return;
    j->rc = sweep_run(st->db, j->w->proceso, NULL, &j->run, &j->e);
    j->arc = j->arco ? db_arco_suprimir(st->db, NULL, &j->sup, &j->nsup, &j->ae) : RC_OK;
    j->lrc = j->envio ? db_sender_cuentas_servidor(st->db, &j->ids, &j->n, &j->le) : RC_OK;
    if (j->lrc == RC_OK && j->n > 0) {
        j->cu = xcalloc(j->n, sizeof *j->cu);
        j->cloud = xcalloc(j->n, sizeof *j->cloud);
    }
    for (size_t i = 0; j->lrc == RC_OK && i < j->n; i++) {
        char numero_id[DB_WA_CLOUD_NUMERO_MAX + 1];
        struct err ce = { 0 };

        /* The login names the fix in messages; the JID tells a new link. */
        if (db_sender_cuenta(st->db, j->ids[i], &j->cu[i], &ce) != RC_OK)
            memset(&j->cu[i], 0, sizeof j->cu[i]);
        else if (db_wa_cloud_remitente(st->db, j->ids[i], &j->cloud[i], numero_id, &ce) != RC_OK)
            j->cloud[i] = false;
    }
    if ((j->rc == RC_DB && strcmp(j->e.code, "08006") == 0) ||
        (j->arc == RC_DB && strcmp(j->ae.code, "08006") == 0) ||
        (j->lrc == RC_DB && strcmp(j->le.code, "08006") == 0)) {
        db_close(st->db); /* reopened by the next round */
        st->db = NULL;
    }
}

static void wk_shutdown(struct wk *w);

static size_t
wk_running(const struct wk *w)
{
    size_t n = 0;

    for (size_t i = 0; i < w->nsv; i++)
        n += w->sv[i].s != NULL;
    return n;
}

static void
wk_maybe_finish(struct wk *w)
{
    if (w->once && !w->stopping && worker_pending(w->jobs) == 0 && wk_running(w) == 0)
        wk_shutdown(w);
}

static void
wk_summary(const struct wk_sender *v)
{
    printf("envío cuenta %d: %u enviados, %u fallidos, %u en duda\n", v->cuenta, v->sent, v->failed,
           v->uncertain);
}

/* The effective Unix user's name ("?" when unknown) into buf: whose key file this is. */
static const char *
wk_usuario_unix(char *buf, size_t size)
{
    struct passwd pwd, *pw = NULL;
    char tmp[1024];

    if (getpwuid_r(geteuid(), &pwd, tmp, sizeof tmp, &pw) != 0)
        pw = NULL;
    snprintf(buf, size, "%s", pw != NULL ? pw->pw_name : "?");
    return buf;
}

/* Loop thread: a sender could not open its account's credentials with this process's key
 * file. Said once, with the fix; the account waits for a new link (wk_job_done). */
static void
wk_sellada(struct wk *w, struct wk_sender *v)
{
    char unix_user[64];
    const char *login = v->login[0] != '\0' ? v->login : "LOGIN";

    fprintf(stderr,
            "embudo: envío cuenta %d: las credenciales de WhatsApp de %s están selladas con la"
            " llave de otro usuario y este worker no puede abrirlas (su llave: %s, usuario de"
            " Unix %s); corra el worker como ese promotor («embudo-worker@%s») o vincule de"
            " nuevo la cuenta; este worker no lo intenta otra vez hasta que se vincule de nuevo\n",
            v->cuenta, login, w->ctx->cfg->wa_key_file.value,
            wk_usuario_unix(unix_user, sizeof unix_user), login);
    v->sellada = true;
    memcpy(v->jid_sellada, v->jid, sizeof v->jid_sellada);
}

/* A sender's event, on the loop thread. ctx is the struct wk; ev->cuenta names the entry. */
static void
wk_on_event(void *ctx, const struct sender_event *ev)
{
    struct wk *w = ctx;
    struct wk_sender *v = NULL;

    for (size_t i = 0; i < w->nsv && v == NULL; i++)
        if (w->sv[i].cuenta == ev->cuenta)
            v = &w->sv[i];
    if (v == NULL)
        return;
    switch (ev->kind) {
    case SENDER_EV_SENT:
        v->sent++;
        break;
    case SENDER_EV_FAILED:
        v->failed++;
        break;
    case SENDER_EV_UNCERTAIN:
        v->uncertain++;
        break;
    case SENDER_EV_OPEN:
    case SENDER_EV_DOWN:
    case SENDER_EV_ERROR:
        printf("envío cuenta %d: %s\n", v->cuenta,
               ev->kind == SENDER_EV_OPEN ? "conectada" : ev->text);
        break;
    case SENDER_EV_IDLE:
        if (w->once && v->s != NULL) {
            struct sender *s = v->s;

            v->s = NULL;
            sender_stop(s); /* processed what was due */
        }
        break;
    case SENDER_EV_STOPPED:
        if (ev->code != RC_OK)
            printf("envío cuenta %d detenido: %s\n", v->cuenta, ev->text);
        if (ev->code == RC_CLOSED)
            v->parked = true;
        if (ev->code == RC_CRYPTO && !v->started) { /* wa_web: another key file's seal */
            fflush(stdout);
            wk_sellada(w, v);
        }
        if (ev->code != RC_OK && ev->code != RC_BUSY && w->once)
            w->status = 1;
        if (v->s != NULL) { /* stopped by itself: join and free it */
            struct sender *s = v->s;

            v->s = NULL;
            sender_stop(s);
        }
        wk_summary(v);
        wk_maybe_finish(w);
        break;
    case SENDER_EV_STARTED:
        v->started = true;
        break;
    case SENDER_EV_QR:
    case SENDER_EV_RECEIPT:
    case SENDER_EV_INCOMING:
    case SENDER_EV_REST:
        break;
    }
    fflush(stdout);
}

static struct wk_sender *
wk_entry(struct wk *w, int cuenta)
{
    for (size_t i = 0; i < w->nsv; i++)
        if (w->sv[i].cuenta == cuenta)
            return &w->sv[i];
    w->sv = xrealloc(w->sv, (w->nsv + 1) * sizeof *w->sv);
    memset(&w->sv[w->nsv], 0, sizeof w->sv[w->nsv]);
    w->sv[w->nsv].cuenta = cuenta;
    return &w->sv[w->nsv++];
}

static void
wk_start_sender(struct wk *w, struct wk_sender *v)
{
    struct sender_params p = { .cfg = w->ctx->cfg, .login = w->login, .cuenta = v->cuenta };
    struct sender_callbacks cb = { .ctx = w, .event = wk_on_event };
    struct err e = { 0 };

    p.opt = w->opt;
    v->sent = v->failed = v->uncertain = 0;
    v->started = false;
    v->s = sender_start(&w->loop, &p, &cb, &e);
    if (v->s == NULL) {
        fprintf(stderr, "embudo: envío cuenta %d: %s\n", v->cuenta, e.msg);
        w->status = 1;
    }
}

/* Loop thread: what the suppressions did. A session that is no admin's says so once. */
static void
wk_arco_done(struct wk *w, const struct wk_job *j)
{
    for (size_t i = 0; j->arc == RC_OK && i < j->nsup; i++)
        printf(
            "arco: folio %s: datos del %s %lld suprimidos (%lld %s)\n", j->sup[i].folio,
            j->sup[i].cliente_id > 0 ? "cliente" : "prospecto",
            (long long)(j->sup[i].cliente_id > 0 ? j->sup[i].cliente_id : j->sup[i].prospecto_id),
            (long long)j->sup[i].filas, j->sup[i].filas == 1 ? "fila" : "filas");
    if (j->arc == RC_REFUSED && strcmp(j->ae.code, "EB101") == 0) {
        printf("arco: esta sesión no es de un administrador; los datos con el bloqueo terminado"
               " se suprimen con «embudo arco suprimir --vencidas»\n");
        w->sin_arco = true;
    } else if (j->arc != RC_OK) {
        fprintf(stderr, "embudo: supresión de datos fallida: %s\n", j->ae.msg);
        if (w->once)
            w->status = 1;
    }
}

/* Loop thread: what this round read about a listed account. A sealed one whose JID changed was
 * linked again (with the key of whoever linked it): it is tried again. */
static void
wk_cuenta_leida(struct wk_sender *v, const struct db_sender_cuenta *cu, bool cloud)
{
    if (cu->usuario_id == 0)
        return;
    v->cloud = cloud;
    snprintf(v->login, sizeof v->login, "%s", cu->login);
    snprintf(v->jid, sizeof v->jid, "%s", cu->jid);
    if (v->sellada && strcmp(v->jid, v->jid_sellada) != 0) {
        printf("envío cuenta %d: %s vinculó de nuevo su WhatsApp; se intenta otra vez\n", v->cuenta,
               v->login);
        v->sellada = false;
    }
}

/* The key file as lstat() sees it (a symlink is not followed: seal.c refuses one). */
static void
wk_llave_stat(const char *path, struct keywatch_stat *out)
{
    struct stat st;

    memset(out, 0, sizeof *out);
    if (lstat(path, &st) != 0) {
        out->err = errno != 0 ? errno : EIO;
        return;
    }
    out->dev = (unsigned long long)st.st_dev;
    out->ino = (unsigned long long)st.st_ino;
    out->size = (unsigned long long)st.st_size;
    out->mode = (unsigned)st.st_mode;
    out->uid = (unsigned)st.st_uid;
    out->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    out->ctime_ns = (long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
}

/*
 * Loop thread: whether web senders may start this round as far as this process's key file
 * goes (every account's credentials open with it). It is opened only when lstat() says it
 * changed since the last look (keywatch): missing or unusable, it is said once with the fix
 * and not again until it changes, instead of every sender failing on it every round. quienes:
 * the logins waiting on it ("prom1 y prom5"); uno: the one login, or "LOGIN".
 */
static bool
wk_llave(struct wk *w, const char *quienes, const char *uno)
{
    const char *path = w->ctx->cfg->wa_key_file.value;
    struct keywatch_stat now;
    struct seal_key *k;
    struct err e = { 0 };
    char unix_user[64];
    bool ok;

    wk_llave_stat(path, &now);
    switch (keywatch_step(&w->llave, &now)) {
    case KEYWATCH_USE:
        return true;
    case KEYWATCH_WAIT:
        return false;
    case KEYWATCH_CHECK:
        break;
    }
    k = seal_key_open(path, false, &e);
    ok = k != NULL;
    seal_key_close(k);
    switch (keywatch_record(&w->llave, &now, ok)) {
    case KEYWATCH_SAY_NOTHING:
        break;
    case KEYWATCH_SAY_GOOD:
        printf("envío: el archivo de llave %s ya se puede usar; se intenta otra vez\n", path);
        break;
    case KEYWATCH_SAY_BAD:
        fflush(stdout);
        if (e.rc == RC_NOTFOUND)
            fprintf(stderr,
                    "embudo: envío: no existe el archivo de llave %s (wa.key_file, usuario de Unix"
                    " %s), con el que se abren las credenciales de WhatsApp de %s; lo crea"
                    " «embudo wa link» en la cuenta de Unix que vincula: corra el worker como ese"
                    " promotor («embudo-worker@%s»), apunte wa.key_file a su llave, o use"
                    " «embudo worker --sin-envio» si este worker no envía; no se intenta otra vez"
                    " hasta que el archivo exista\n",
                    path, wk_usuario_unix(unix_user, sizeof unix_user), quienes, uno);
        else
            fprintf(stderr,
                    "embudo: envío: %s; este worker no envía por %s y no lo intenta otra vez hasta"
                    " que el archivo de llave cambie\n",
                    e.msg, quienes);
        break;
    }
    return ok;
}

/* Whether account v's sender is to start this round: not running, and not waiting for the
 * user (stopped by the reconnect policy, or sealed with another key until linked again). */
static bool
wk_por_arrancar(const struct wk_sender *v)
{
    return v->s == NULL && !v->parked && !v->sellada;
}

/* Loop thread: a sender for every account this round listed that is not running and waits
 * for nothing; over web, a WEB account's only once the key file is usable (wk_llave). A
 * CLOUD account needs no key file: its token is read by its own sender (src/cmd/wa_cloud). */
static void
wk_arrancar(struct wk *w, const struct wk_job *j)
{
    char quienes[256] = "", uno[64] = "LOGIN";
    size_t n = 0, k = 0;
    bool llave;

    for (size_t i = 0; i < j->n; i++) {
        const struct wk_sender *v = wk_entry(w, j->ids[i]);

        n += wk_por_arrancar(v) && !v->cloud && !w->solo_cloud;
    }
    for (size_t i = 0; i < j->n; i++) {
        const struct wk_sender *v = wk_entry(w, j->ids[i]);
        size_t len = strlen(quienes);
        char cuenta[64];

        if (!wk_por_arrancar(v) || v->cloud || w->solo_cloud)
            continue;
        if (v->login[0] != '\0')
            snprintf(cuenta, sizeof cuenta, "%s", v->login);
        else
            snprintf(cuenta, sizeof cuenta, "la cuenta %d", v->cuenta);
        snprintf(quienes + len, sizeof quienes - len, "%s%s",
                 k == 0       ? ""
                 : k + 1 == n ? " y "
                              : ", ",
                 cuenta);
        k++;
        if (n == 1 && v->login[0] != '\0')
            snprintf(uno, sizeof uno, "%s", v->login);
    }
    llave = n == 0 || !w->por_web || wk_llave(w, quienes, uno);
    if (!llave && w->once)
        w->status = 1; /* what was due did not leave */
    for (size_t i = 0; i < j->n; i++) {
        struct wk_sender *v = wk_entry(w, j->ids[i]);

        if (wk_por_arrancar(v) && (v->cloud || (llave && !w->solo_cloud)))
            wk_start_sender(w, v);
    }
}

/* Loop thread: report the sweep and the suppressions, start a sender for every listed
 * account not running. */
static void
wk_job_done(struct job *job)
{
    struct wk_job *j = (struct wk_job *)job;
    struct wk *w = j->w;

    if (job->ran && j->vetado) { /* said once; the worker ends (exit 1) */
        fprintf(stderr, "embudo: %s\n", j->ve.msg);
        w->status = 1;
        free(j);
        if (!w->stopping)
            wk_shutdown(w);
        return;
    }
    if (job->ran && j->rc == RC_OK) {
        char linea[128];

        sweep_run_text(&j->run, linea, sizeof linea);
        printf("%s\n", linea);
    } else if (job->ran)
        fprintf(stderr, "embudo: barrido fallido: %s\n", j->e.msg);
    if (job->ran && j->arco)
        wk_arco_done(w, j);
    if (job->ran && j->lrc != RC_OK)
        fprintf(stderr, "embudo: cuentas con envío en servidor: %s\n", j->le.msg);
    if (job->ran && (j->rc != RC_OK || j->lrc != RC_OK) && w->once)
        w->status = 1;
    for (size_t i = 0; job->ran && !w->stopping && i < j->n; i++)
        wk_cuenta_leida(wk_entry(w, j->ids[i]), &j->cu[i], j->cloud[i]);
    if (job->ran && !w->stopping)
        wk_arrancar(w, j);
    fflush(stdout);
    free(j->sup);
    free(j->ids);
    free(j->cu);
    free(j->cloud);
    free(j);
    wk_maybe_finish(w);
}

static void
wk_submit(struct wk *w)
{
    struct wk_job *j = xcalloc(1, sizeof *j);

    j->w = w;
    j->arco = !w->sin_arco;
    j->envio = !w->sin_envio;
    j->job.run = wk_job_run;
    j->job.done = wk_job_done;
    worker_submit(w->jobs, &j->job);
}

static void
wk_on_tick(uv_timer_t *h)
{
    struct wk *w = h->data;

    if (worker_pending(w->jobs) == 0)
        wk_submit(w);
}

static void
wk_shutdown(struct wk *w)
{
    w->stopping = true;
    for (size_t i = 0; i < w->nsv; i++) {
        struct sender *s = w->sv[i].s;

        if (s != NULL) {
            w->sv[i].s = NULL;
            sender_stop(s);
        }
    }
    uv_close((uv_handle_t *)&w->tick, NULL);
    uv_close((uv_handle_t *)&w->sigint, NULL);
    uv_close((uv_handle_t *)&w->sigterm, NULL);
    worker_stop(w->jobs);
    w->jobs = NULL;
}

static void
wk_on_signal(uv_signal_t *h, int sig)
{
    struct wk *w = h->data;

    (void)sig;
    if (!w->stopping)
        wk_shutdown(w);
}

/* Options, transport, the server login. Returns an exit status, 0 to go on. */
static int
wk_prepare(struct wk *w, struct cmd_ctx *ctx, const struct cmd_entry *entry)
{
    const struct cmd_opt opts[] = { { "once", false, NULL, &w->once },
                                    { "sin-envio", false, NULL, &w->sin_envio },
                                    { "solo-cloud", false, NULL, &w->solo_cloud },
                                    { NULL, false, NULL, NULL } };
    struct err e = { 0 };
    char host[64] = "";
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (w->sin_envio && w->solo_cloud)
        return cmd_usage(entry, "«--sin-envio» y «--solo-cloud» se excluyen: elija uno");
    if (w->solo_cloud) {
        printf(
            "envío de campañas: solo las cuentas de la API oficial de WhatsApp (--solo-cloud)\n");
        fflush(stdout);
    }
    if (w->sin_envio) { /* no sender: the transport settings do not matter here */
        printf("envío de campañas: desactivado en este worker (--sin-envio)\n");
        fflush(stdout);
    } else {
        if (sender_options_load(&w->opt, ctx->cfg, environ, &e) != RC_OK)
            return cmd_usage(entry, "%s", e.msg);
        wa_sender_factory(ctx->cfg, &w->web);
        w->opt.web = &w->web;
        w->por_web = w->opt.transport == SENDER_TRANSPORT_WEB;
        keywatch_init(&w->llave);
        if (sender_transport_check(&w->opt, &e) != RC_OK)
            return cmd_fail("%s", e.msg);
    }
    w->ctx = ctx;
    w->login = ctx->as_login != NULL ? ctx->as_login : ctx->cfg->embedded ? DB_LOGIN_ADMIN : NULL;
    (void)gethostname(host, sizeof host - 1);
    snprintf(w->proceso, sizeof w->proceso, "embudo worker %s:%ld", host, (long)getpid());
    return 0;
}

static int
wk_handles(struct wk *w, struct err *e)
{
    struct wk_state *st = xcalloc(1, sizeof *st);

    st->cfg = w->ctx->cfg;
    st->login = w->login;
    uv_timer_init(&w->loop, &w->tick);
    uv_signal_init(&w->loop, &w->sigint);
    uv_signal_init(&w->loop, &w->sigterm);
    w->tick.data = w->sigint.data = w->sigterm.data = w;
    uv_signal_start(&w->sigint, wk_on_signal, SIGINT);
    uv_signal_start(&w->sigterm, wk_on_signal, SIGTERM);
    if ((w->jobs = worker_start(&w->loop, "worker", st, wk_state_fini, e)) == NULL) {
        free(st);
        return e->rc;
    }
    if (!w->once)
        uv_timer_start(&w->tick, wk_on_tick, SWEEP_PERIOD_S * 1000, SWEEP_PERIOD_S * 1000);
    wk_submit(w);
    return RC_OK;
}

int
cmd_worker_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("worker");
    struct wk w = { 0 };
    struct err e = { 0 };
    int status, r;

    if ((status = wk_prepare(&w, ctx, entry)) != 0)
        return status;
    if (uv_loop_init(&w.loop) != 0)
        return cmd_fail("no se pudo crear el loop");
    if (wk_handles(&w, &e) != RC_OK) {
        wk_shutdown(&w);
        w.status = cmd_fail("%s", e.msg);
    }
    uv_run(&w.loop, UV_RUN_DEFAULT);
    if ((r = uv_loop_close(&w.loop)) != 0) {
        fprintf(stderr, "embudo: worker: el loop no cerró limpio: %s\n", uv_strerror(r));
        w.status = 1;
    }
    free(w.sv);
    return w.status;
}

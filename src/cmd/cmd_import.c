/*
 * cmd_import — `embudo import clientes FILE.csv [--rechazos RECHAZOS.csv]`: loads a client
 * file into the padron (docs/import.md) through db_import, all valid rows in one
 * transaction. Rejected rows go to stderr with their line and reason (the first
 * IMPORT_STDERR_MAX of them) and, with --rechazos, all of them to a CSV file. On a TTY a
 * progress line is redrawn on stderr. SIGINT/SIGTERM cancel: nothing is loaded. Main thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "core/config.h"
#include "core/csv.h"
#include "db/db.h"
#include "db/db_import.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

#define IMPORT_STDERR_MAX 200

/* Set by the signal handler; read by the progress callback on the main thread. */
static volatile sig_atomic_t import_cancel;

static void
import_on_signal(int sig)
{
    (void)sig;
    import_cancel = 1;
}

struct import_ui {
    int fd;
    off_t size; /* 0 when unknown (a pipe) */
    bool tty;
    FILE *rech;                /* --rechazos, or NULL */
    struct db_import_stats st; /* filled by db_import_clientes */
    bool rech_header;
    unsigned long printed;
    unsigned long suppressed;
    struct strbuf line;
};

static ssize_t
import_read(void *arg, char *buf, size_t n)
{
    struct import_ui *ui = arg;
    ssize_t k;

    do
        k = read(ui->fd, buf, n);
    while (k < 0 && errno == EINTR && !import_cancel);
    return k;
}

static void
import_rech_write(struct import_ui *ui, unsigned long line, const char *motivo, char *const *fields,
                  size_t n)
{
    strbuf_reset(&ui->line);
    if (!ui->rech_header) {
        strbuf_addstr(&ui->line, "linea,motivo");
        for (size_t i = 0; i < ui->st.nheader; i++) {
            strbuf_addch(&ui->line, ',');
            csv_field_write(&ui->line, ui->st.header[i]);
        }
        strbuf_addstr(&ui->line, "\r\n");
        ui->rech_header = true;
    }
    strbuf_addf(&ui->line, "%lu,", line);
    csv_field_write(&ui->line, motivo);
    for (size_t i = 0; i < ui->st.nheader; i++) {
        strbuf_addch(&ui->line, ',');
        csv_field_write(&ui->line, fields != NULL && i < n ? fields[i] : "");
    }
    strbuf_addstr(&ui->line, "\r\n");
    fwrite(ui->line.buf, 1, ui->line.len, ui->rech);
}

static void
import_on_reject(void *arg, unsigned long line, const char *motivo, char *const *fields, size_t n)
{
    struct import_ui *ui = arg;

    if (ui->printed < IMPORT_STDERR_MAX) {
        fprintf(stderr, "%slínea %lu: %s\n", ui->tty ? "\r\033[K" : "", line, motivo);
        ui->printed++;
    } else {
        ui->suppressed++;
    }
    if (ui->rech != NULL)
        import_rech_write(ui, line, motivo, fields, n);
}

static bool
import_on_progress(void *arg, unsigned long rows, unsigned long long bytes)
{
    struct import_ui *ui = arg;

    if (ui->tty && ui->size > 0)
        fprintf(stderr, "\r\033[Kimportando: %lu filas (%.0f %%)…", rows,
                100.0 * (double)bytes / (double)ui->size);
    else if (ui->tty)
        fprintf(stderr, "\r\033[Kimportando: %lu filas…", rows);
    return !import_cancel;
}

static void
import_summary(const struct cmd_ctx *ctx, const struct db_import_stats *st, double secs)
{
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        printf("importación completa en %.1f s: %lu filas leídas, %lu cargadas, %lu rechazadas, "
               "%lu ya estaban en el padrón\n",
               secs, st->filas, st->cargadas, st->rechazadas, st->en_padron);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "filas");
    json_int(&j, (int64_t)st->filas);
    json_key(&j, "cargadas");
    json_int(&j, (int64_t)st->cargadas);
    json_key(&j, "rechazadas");
    json_int(&j, (int64_t)st->rechazadas);
    json_key(&j, "en_padron");
    json_int(&j, (int64_t)st->en_padron);
    json_key(&j, "milisegundos");
    json_int(&j, (int64_t)(secs * 1000.0));
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static double
now_secs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Connects, imports, reports; returns the exit status. */
static int
import_run(const struct cmd_ctx *ctx, struct import_ui *ui)
{
    const char *login = ctx->as_login != NULL ? ctx->as_login
                        : ctx->cfg->embedded  ? DB_LOGIN_ADMIN
                                              : NULL;
    struct db_import_opts o = { .reject = import_on_reject,
                                .reject_arg = ui,
                                .progress = import_on_progress,
                                .progress_arg = ui };
    struct err e = { 0 };
    struct db *db = db_open(ctx->cfg, login, &e);
    double t0 = now_secs();
    int rc;

    if (db == NULL)
        return crm_cmd_fail(ctx, &e);
    rc = db_import_clientes(db, import_read, ui, &o, &ui->st, &e);
    if (ui->tty)
        fputs("\r\033[K", stderr);
    if (ui->suppressed > 0)
        fprintf(stderr, "… y %lu rechazos más%s\n", ui->suppressed,
                ui->rech != NULL ? " (todos están en el archivo de rechazos)"
                                 : " (use --rechazos ARCHIVO para verlos todos)");
    if (rc == RC_OK)
        import_summary(ctx, &ui->st, now_secs() - t0);
    db_import_stats_fini(&ui->st);
    db_close(db);
    return rc == RC_OK ? 0 : crm_cmd_fail(ctx, &e);
}

static int
import_open(const char *path, const char *rech, struct import_ui *ui)
{
    struct stat sb;

    ui->fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (ui->fd < 0)
        return cmd_fail("no se pudo abrir «%s»: %s", path, strerror(errno));
    if (fstat(ui->fd, &sb) == 0 && S_ISREG(sb.st_mode))
        ui->size = sb.st_size;
    ui->tty = isatty(STDERR_FILENO) == 1;
    if (rech != NULL && (ui->rech = fopen(rech, "w")) == NULL) {
        if (ui->fd != STDIN_FILENO)
            close(ui->fd);
        return cmd_fail("no se pudo crear «%s»: %s", rech, strerror(errno));
    }
    return 0;
}

int
cmd_import_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("import");
    const char *rech = NULL;
    const struct cmd_opt opts[] = { { "rechazos", true, &rech, NULL },
                                    { NULL, false, NULL, NULL } };
    struct import_ui ui = { .fd = -1 };
    struct sigaction sa;
    char *pos[2];
    int npos = 0, status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, pos, 2, &npos)) != 0)
        return status;
    if (npos != 2 || strcmp(pos[0], "clientes") != 0)
        return cmd_usage(entry, npos == 0 ? "falta «clientes ARCHIVO.csv»"
                                          : "solo se importan «clientes»: import clientes "
                                            "ARCHIVO.csv");
    if ((status = import_open(pos[1], rech, &ui)) != 0)
        return status;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = import_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    strbuf_init(&ui.line);
    status = import_run(ctx, &ui);
    strbuf_fini(&ui.line);
    if (ui.rech != NULL && fclose(ui.rech) != 0 && status == 0)
        status = cmd_fail("no se pudo escribir «%s»: %s", rech, strerror(errno));
    if (ui.fd != STDIN_FILENO)
        close(ui.fd);
    return status;
}

#include "cmd/cmd_csvfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/csv.h"

/* Set by the signal handler; read between rows on the main thread. */
static volatile sig_atomic_t cancelled;

static void
on_signal(int sig)
{
    (void)sig;
    cancelled = 1;
}

static double
now_secs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
csvfile_open(struct csvfile *f, const char *path, const char *rech)
{
    struct sigaction sa;
    struct stat sb;

    memset(f, 0, sizeof *f);
    f->fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0)
        return cmd_fail("no se pudo abrir «%s»: %s", path, strerror(errno));
    if (fstat(f->fd, &sb) == 0 && S_ISREG(sb.st_mode))
        f->size = sb.st_size;
    f->tty = isatty(STDERR_FILENO) == 1;
    if (rech != NULL && (f->rech = fopen(rech, "w")) == NULL) {
        if (f->fd != STDIN_FILENO)
            close(f->fd);
        return cmd_fail("no se pudo crear «%s»: %s", rech, strerror(errno));
    }
    f->rech_path = rech;
    strbuf_init(&f->line);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    f->t0 = now_secs();
    return 0;
}

ssize_t
csvfile_read(void *arg, char *buf, size_t n)
{
    struct csvfile *f = arg;
    ssize_t k;

    do
        k = read(f->fd, buf, n);
    while (k < 0 && errno == EINTR && !cancelled);
    return k;
}

bool
csvfile_cancelled(void)
{
    return cancelled != 0;
}

static void
rech_write(struct csvfile *f, char *const *header, size_t nheader, unsigned long line,
           const char *motivo, char *const *fields, size_t nfields)
{
    strbuf_reset(&f->line);
    if (!f->rech_header) {
        strbuf_addstr(&f->line, "linea,motivo");
        for (size_t i = 0; i < nheader; i++) {
            strbuf_addch(&f->line, ',');
            csv_field_write(&f->line, header[i]);
        }
        strbuf_addstr(&f->line, "\r\n");
        f->rech_header = true;
    }
    strbuf_addf(&f->line, "%lu,", line);
    csv_field_write(&f->line, motivo);
    for (size_t i = 0; i < nheader; i++) {
        strbuf_addch(&f->line, ',');
        csv_field_write(&f->line, fields != NULL && i < nfields ? fields[i] : "");
    }
    strbuf_addstr(&f->line, "\r\n");
    fwrite(f->line.buf, 1, f->line.len, f->rech);
}

void
csvfile_reject(struct csvfile *f, char *const *header, size_t nheader, unsigned long line,
               const char *motivo, char *const *fields, size_t nfields)
{
    f->rechazos++;
    if (f->impresos < CSVFILE_STDERR_MAX) {
        fprintf(stderr, "%slínea %lu: %s\n", f->tty ? "\r\033[K" : "", line, motivo);
        f->impresos++;
    }
    if (f->rech != NULL)
        rech_write(f, header, nheader, line, motivo, fields, nfields);
}

void
csvfile_progress(const struct csvfile *f, const char *accion, unsigned long filas,
                 unsigned long long bytes)
{
    if (f->tty && f->size > 0)
        fprintf(stderr, "\r\033[K%s: %lu filas (%.0f %%)…", accion, filas,
                100.0 * (double)bytes / (double)f->size);
    else if (f->tty)
        fprintf(stderr, "\r\033[K%s: %lu filas…", accion, filas);
}

void
csvfile_done(const struct csvfile *f)
{
    if (f->tty)
        fputs("\r\033[K", stderr);
    if (f->rechazos > f->impresos)
        fprintf(stderr, "… y %lu rechazos más%s\n", f->rechazos - f->impresos,
                f->rech != NULL ? " (todos están en el archivo de rechazos)"
                                : " (use --rechazos ARCHIVO para verlos todos)");
}

double
csvfile_elapsed(const struct csvfile *f)
{
    return now_secs() - f->t0;
}

int
csvfile_close(struct csvfile *f, int status)
{
    if (f->rech != NULL && fclose(f->rech) != 0 && status == 0)
        status = cmd_fail("no se pudo escribir «%s»: %s", f->rech_path, strerror(errno));
    f->rech = NULL;
    if (f->fd >= 0 && f->fd != STDIN_FILENO)
        close(f->fd);
    f->fd = -1;
    strbuf_fini(&f->line);
    return status;
}

/*
 * cmd_csvfile — what the commands that load a CSV file share around it (`import clientes`,
 * `no-contactar importar`): the input (a path, or "-" for the standard input) and its size,
 * the optional rejects file, SIGINT/SIGTERM cancelling the load, rejected rows on stderr (the
 * first CSVFILE_STDERR_MAX) and in the rejects file ("linea,motivo" and then the file's own
 * columns, RFC 4180), the progress line redrawn on stderr when it is a terminal, and the time
 * the load took. The loading itself is the caller's.
 *
 * Main thread; one load per process at a time (the cancel flag is process-wide).
 */
#ifndef CMD_CMD_CSVFILE_H
#define CMD_CMD_CSVFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "util/strbuf.h"

#define CSVFILE_STDERR_MAX 200

struct csvfile {
    int fd;
    off_t size; /* 0 when unknown (a pipe) */
    bool tty;   /* stderr is a terminal: progress lines */
    FILE *rech; /* the rejects file, or NULL */
    const char *rech_path;
    bool rech_header;
    struct strbuf line;
    unsigned long rechazos, impresos;
    double t0; /* monotonic seconds at csvfile_open */
};

/*
 * Opens path ("-" = stdin) and, when rech is not NULL, creates the rejects file; installs the
 * handler through which SIGINT and SIGTERM cancel. 0, or the exit status of a failure already
 * printed (nothing is left open then, and csvfile_close must not be called).
 */
int csvfile_open(struct csvfile *f, const char *path, const char *rech);

/* A csv_read_fn over the input (arg: the struct csvfile); an interrupted read is retried
 * unless the load was cancelled. */
ssize_t csvfile_read(void *arg, char *buf, size_t n);

/* True once SIGINT or SIGTERM arrived. */
bool csvfile_cancelled(void);

/* One rejected row at line: counted, on stderr (the first CSVFILE_STDERR_MAX) and in the
 * rejects file under the file's header (fields NULL when the record could not be read). */
void csvfile_reject(struct csvfile *f, char *const *header, size_t nheader, unsigned long line,
                    const char *motivo, char *const *fields, size_t nfields);

/* On a terminal, redraws "<accion>: N filas (P %)…" (P when the file's size is known; bytes
 * is how much of it was read). */
void csvfile_progress(const struct csvfile *f, const char *accion, unsigned long filas,
                      unsigned long long bytes);

/* After the load: clears the progress line and says how many rejects stderr did not show. */
void csvfile_done(const struct csvfile *f);

/* Seconds since csvfile_open. */
double csvfile_elapsed(const struct csvfile *f);

/* Closes everything; returns status, or a failure status (printed) when status was 0 and
 * the rejects file could not be written. */
int csvfile_close(struct csvfile *f, int status);

#endif

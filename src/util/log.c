#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"

/* Guarded by log_lock; any thread. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static enum log_level log_min = LOG_INFO;

static const char *const log_names[] = { "debug", "info", "aviso", "error" };

int
log_open(const char *path, enum log_level min, struct err *e)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    FILE *f;

    if (fd < 0)
        return err_set(e, RC_IO, "no se pudo abrir el registro %s: %s", path, strerror(errno));
    f = fdopen(fd, "a");
    if (f == NULL) {
        close(fd);
        return err_set(e, RC_IO, "no se pudo abrir el registro %s: %s", path, strerror(errno));
    }
    setvbuf(f, NULL, _IOLBF, 0);
    pthread_mutex_lock(&log_lock);
    if (log_file != NULL)
        fclose(log_file);
    log_file = f;
    log_min = min;
    pthread_mutex_unlock(&log_lock);
    return RC_OK;
}

void
log_close(void)
{
    pthread_mutex_lock(&log_lock);
    if (log_file != NULL)
        fclose(log_file);
    log_file = NULL;
    pthread_mutex_unlock(&log_lock);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
    char stamp[32];
    struct tm tm;
    time_t now = time(NULL);
    va_list ap;
    FILE *out;

    pthread_mutex_lock(&log_lock);
    out = log_file != NULL ? log_file : (level >= LOG_WARN ? stderr : NULL);
    if (out == NULL || level < log_min) {
        pthread_mutex_unlock(&log_lock);
        return;
    }
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(out, "%s %d %s: ", stamp, (int)getpid(), log_names[level]);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    pthread_mutex_unlock(&log_lock);
}

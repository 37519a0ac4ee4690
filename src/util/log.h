/*
 * log — an append-only diagnostic log file, safe from any thread.
 *
 * Before log_open() (or after log_close()) messages go to stderr only when
 * the level is LOG_WARN or worse, so CLI commands stay quiet. The UI opens the
 * log under $EMBUDO_HOME so nothing is printed over the screen.
 */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Opens (creating, mode 0600) path for appending. Returns RC_OK or RC_IO. */
struct err;
int log_open(const char *path, enum log_level min, struct err *e);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif

/*
 * cluster — the private PostgreSQL cluster under $EMBUDO_HOME (cluster.h).
 *
 * DESIGN. Every state change (initdb, start, stop) runs under an exclusive flock on
 * $EMBUDO_HOME/cluster.lock, opened O_CLOEXEC so the postmaster never inherits it. Whether
 * the server runs is decided from postmaster.pid *and* /proc: the pid must be alive and its
 * working directory must be this data directory (the postmaster and its backends chdir
 * there). Anything else is a stale pid file (crash, kill -9, pid reused): we wait for
 * orphaned backends of this data directory to exit, remove a pid file whose pid now belongs
 * to someone else (a dead pid is left for the postmaster itself, which then also reclaims
 * the old shared memory), and start normally. The socket directory and port are written to
 * pg/embudo.conf on every start (included from postgresql.conf), so a moved home still works.
 */
#include "db/cluster.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "db/cluster_internal.h"
#include "db/db.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* sun_path holds 108 bytes including the NUL. */
#define SOCKET_PATH_MAX 107
#define SOCKET_NAME     ".s.PGSQL." CLUSTER_PORT
#define ORPHAN_WAIT_MS  20000

void
cluster_status_fini(struct cluster_status *st)
{
    if (st == NULL)
        return;
    free(st->data_dir);
    free(st->socket_dir);
    free(st->log_file);
    st->data_dir = st->socket_dir = st->log_file = NULL;
}

char *
cluster_run_dir_fmt(const struct config *cfg)
{
    return xasprintf("%s/run", cfg->home.value);
}

void
cl_paths_fini(struct cl_paths *p)
{
    free(p->home);
    free(p->data);
    free(p->run);
    free(p->log);
    free(p->lock);
    free(p->sock);
    memset(p, 0, sizeof *p);
}

int
cl_paths_init(struct cl_paths *p, const struct config *cfg, struct err *e)
{
    const char *home = cfg->home.value;
    size_t n = strlen(home);

    while (n > 1 && home[n - 1] == '/')
        n--;
    p->home = xstrndup(home, n);
    p->data = xasprintf("%s/pg", p->home);
    p->run = xasprintf("%s/run", p->home);
    p->log = xasprintf("%s/pg.log", p->home);
    p->lock = xasprintf("%s/cluster.lock", p->home);
    p->sock = xasprintf("%s/%s", p->run, SOCKET_NAME);
    if (p->home[0] != '/')
        return err_set(e, RC_INVAL, "EMBUDO_HOME debe ser una ruta absoluta: «%s»", p->home);
    if (strlen(p->sock) > SOCKET_PATH_MAX)
        return err_set(e, RC_INVAL,
                       "la ruta del socket «%s» mide %zu bytes y los sockets unix admiten "
                       "%d como máximo; use un EMBUDO_HOME más corto (--home)",
                       p->sock, strlen(p->sock), SOCKET_PATH_MAX);
    return RC_OK;
}

/* Who runs the server binaries: ourselves, or cfg->pg_cuenta when we are root. */
int
cl_account_resolve(struct cl_account *a, const struct config *cfg, struct err *e)
{
    const char *name = cfg->pg_cuenta.value;
    struct passwd *pw;

    memset(a, 0, sizeof *a);
    if (geteuid() != 0)
        return RC_OK;
    if (name == NULL || name[0] == '\0')
        name = "postgres";
    pw = getpwnam(name);
    if (pw == NULL)
        return err_set(e, RC_INVAL,
                       "como root el servidor corre con la cuenta «%s», que no existe; "
                       "cree la cuenta o elija otra con «[pg] cuenta» en la configuración",
                       name);
    if (pw->pw_uid == 0)
        return err_set(e, RC_INVAL, "la cuenta del servidor «%s» no puede ser root", name);
    a->drop = true;
    a->uid = pw->pw_uid;
    a->gid = pw->pw_gid;
    snprintf(a->name, sizeof a->name, "%s", name);
    /* initgroups() allocates, so it must not run in a child of a threaded process. */
    a->ngroups = (int)(sizeof a->groups / sizeof a->groups[0]);
    if (getgrouplist(a->name, a->gid, a->groups, &a->ngroups) < 0) {
        a->groups[0] = a->gid;
        a->ngroups = 1;
    }
    return RC_OK;
}

/* Newest /usr/lib/postgresql/<major>/bin/prog, by numeric major version. */
static char *
bin_newest_fmt(const char *prog)
{
    glob_t g;
    char *best = NULL;
    long best_v = -1;

    if (glob("/usr/lib/postgresql/*/bin", GLOB_ONLYDIR, NULL, &g) != 0)
        return NULL;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *v = g.gl_pathv[i] + strlen("/usr/lib/postgresql/");
        long major = strtol(v, NULL, 10);
        char *path = xasprintf("%s/%s", g.gl_pathv[i], prog);

        if (major > best_v && access(path, X_OK) == 0) {
            free(best);
            best = path;
            best_v = major;
        } else {
            free(path);
        }
    }
    globfree(&g);
    return best;
}

static char *
bin_in_path_fmt(const char *prog)
{
    const char *path = getenv("PATH");
    char *copy, *save = NULL, *found = NULL;

    if (path == NULL)
        return NULL;
    copy = xstrdup(path);
    for (char *dir = strtok_r(copy, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
        char *cand = xasprintf("%s/%s", dir[0] != '\0' ? dir : ".", prog);
        if (access(cand, X_OK) == 0) {
            found = cand;
            break;
        }
        free(cand);
    }
    free(copy);
    return found;
}

char *
cluster_bin_fmt(const struct config *cfg, const char *prog, struct err *e)
{
    char *path;

    if (cfg->pg_bindir.value != NULL && cfg->pg_bindir.value[0] != '\0') {
        path = xasprintf("%s/%s", cfg->pg_bindir.value, prog);
        if (access(path, X_OK) == 0)
            return path;
        err_set(e, RC_NOTFOUND, "no se encontró «%s» en pg_bindir (%s, de %s)", prog,
                cfg->pg_bindir.value, cfg->pg_bindir.where != NULL ? cfg->pg_bindir.where : "?");
        free(path);
        return NULL;
    }
    path = bin_newest_fmt(prog);
    if (path == NULL)
        path = bin_in_path_fmt(prog);
    if (path == NULL)
        err_set(e, RC_NOTFOUND,
                "no se encontró el programa «%s» de PostgreSQL; instale el paquete "
                "postgresql (make deps) o indique su directorio con «[pg] bindir»",
                prog);
    return path;
}

/* Last non-empty line of s (for error messages), at most 300 bytes. */
static void
tail_line(const char *s, char *out, size_t outsz)
{
    const char *end = s + strlen(s);
    const char *start;

    while (end > s && (end[-1] == '\n' || end[-1] == ' '))
        end--;
    start = end;
    while (start > s && start[-1] != '\n')
        start--;
    snprintf(out, outsz, "%.*s", (int)(end - start > 300 ? 300 : end - start), start);
}

/* A writable copy for execv, made before fork (no malloc in the child). */
static char **
argv_dup(const char *const argv[])
{
    size_t n = 0;
    char **copy;

    while (argv[n] != NULL)
        n++;
    copy = xcalloc(n + 1, sizeof *copy);
    for (size_t i = 0; i < n; i++)
        copy[i] = xstrdup(argv[i]);
    return copy;
}

static void
argv_free(char **argv)
{
    for (size_t i = 0; argv[i] != NULL; i++)
        free(argv[i]);
    free(argv);
}

/* Writes a fixed message to fd 2 and exits: only async-signal-safe calls after fork. */
static void __attribute__((noreturn))
child_die(const char *msg, int status)
{
    ssize_t w = write(2, msg, strlen(msg));

    (void)w;
    _exit(status);
}

/* The child side of cl_run (async-signal-safe calls only: the parent may be threaded). */
static void __attribute__((noreturn))
run_child(const struct cl_account *a, char *const argv[], int out_fd)
{
    int devnull = open("/dev/null", O_RDONLY);

    if (devnull >= 0)
        dup2(devnull, 0);
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    if (chdir("/") != 0)
        child_die("no se pudo entrar en /\n", 126);
    if (a->drop && (setgroups((size_t)a->ngroups, a->groups) != 0 || setgid(a->gid) != 0 ||
                    setuid(a->uid) != 0))
        child_die("no se pudo cambiar a la cuenta del servidor\n", 126);
    execv(argv[0], argv);
    child_die("no se pudo ejecutar el programa de PostgreSQL\n", 127);
}

int
cl_run(const struct cl_account *a, const char *const argv[], int *status_out, struct strbuf *out,
       struct err *e)
{
    int fds[2], st;
    pid_t pid;
    char **args = argv_dup(argv);

    if (pipe2(fds, O_CLOEXEC) != 0) {
        argv_free(args);
        return err_set(e, RC_IO, "pipe: %s", strerror(errno));
    }
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        argv_free(args);
        return err_set(e, RC_IO, "fork: %s", strerror(errno));
    }
    if (pid == 0)
        run_child(a, args, fds[1]);
    argv_free(args);
    close(fds[1]);
    strbuf_drain_fd(out, fds[0]);
    close(fds[0]);
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return err_set(e, RC_IO, "waitpid: %s", strerror(errno));
    *status_out = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return RC_OK;
}

/* Runs a program as the server account; a non-zero exit is RC_IO "what: last line". */
int
cl_run_checked(const struct cl_account *a, const char *const argv[], const char *what,
               struct err *e)
{
    struct strbuf out;
    char line[320];
    int status = 0, rc;

    strbuf_init(&out);
    rc = cl_run(a, argv, &status, &out, e);
    if (rc == RC_OK && status != 0) {
        tail_line(out.buf, line, sizeof line);
        rc = err_set(e, RC_IO, "%s falló (código %d): %s", what, status,
                     line[0] != '\0' ? line : "sin mensaje");
    }
    strbuf_fini(&out);
    return rc;
}

/* mkdir -p with mode for each created component. */
static int
mkdir_p(const char *path, mode_t mode, struct err *e)
{
    char *copy = xstrdup(path);
    int rc = RC_OK;

    for (char *p = copy + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(copy, mode) != 0 && errno != EEXIST) {
            rc = err_set(e, RC_IO, "no se pudo crear el directorio %s: %s", copy,
                         strerror(errno));
            break;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(copy);
    return rc;
}

/* Creates path as a directory owned by the account (mode 0700) if missing. */
static int
dir_owned(const char *path, const struct cl_account *a, struct err *e)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return err_set(e, RC_IO, "no se pudo crear %s: %s", path, strerror(errno));
    if (chmod(path, 0700) != 0)
        return err_set(e, RC_IO, "no se pudo cambiar los permisos de %s: %s", path,
                       strerror(errno));
    if (a->drop && chown(path, a->uid, a->gid) != 0)
        return err_set(e, RC_IO, "no se pudo dar %s a la cuenta %s: %s", path, a->name,
                       strerror(errno));
    return RC_OK;
}

/*
 * Home, socket directory and log file. As root the account must traverse home, so home
 * gets the search bit for others (0711: nothing in it can be listed; the files that matter
 * are 0600 or inside 0700 directories).
 */
int
cl_dirs_prepare(const struct cl_paths *p, const struct cl_account *a, struct err *e)
{
    struct stat st;
    int fd;

    if (mkdir_p(p->home, a->drop ? 0711 : 0700, e) != RC_OK)
        return e != NULL ? e->rc : RC_IO;
    if (a->drop && stat(p->home, &st) == 0 && (st.st_mode & 0011) != 0011 &&
        chmod(p->home, (st.st_mode & 07777) | 0011) != 0)
        return err_set(e, RC_IO, "no se pudo abrir %s a la cuenta %s: %s", p->home, a->name,
                       strerror(errno));
    if (dir_owned(p->run, a, e) != RC_OK)
        return e != NULL ? e->rc : RC_IO;
    fd = open(p->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, RC_IO, "no se pudo crear %s: %s", p->log, strerror(errno));
    close(fd);
    if (a->drop && chown(p->log, a->uid, a->gid) != 0)
        return err_set(e, RC_IO, "no se pudo dar %s a la cuenta %s: %s", p->log, a->name,
                       strerror(errno));
    return RC_OK;
}

int
cl_lock(const struct cl_paths *p, int *fd_out, struct err *e)
{
    int fd = open(p->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0)
        return err_set(e, RC_IO, "no se pudo abrir %s: %s", p->lock, strerror(errno));
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        close(fd);
        return err_set(e, RC_IO, "no se pudo bloquear %s: %s", p->lock, strerror(errno));
    }
    *fd_out = fd;
    return RC_OK;
}

void
cl_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing drops the flock */
}

/* The first line of a postgres lock file (postmaster.pid or the socket's .lock): a pid. */
static long
lockfile_pid(const char *path)
{
    FILE *f = fopen(path, "re");
    long pid = 0;

    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    return pid < 0 ? -pid : pid; /* a standalone backend writes -pid */
}

/* True when pid's working directory is dir (false for zombies and other users' pids). */
static bool
proc_cwd_is(long pid, const char *dir)
{
    char link[64], target[4096];
    ssize_t n;

    snprintf(link, sizeof link, "/proc/%ld/cwd", pid);
    n = readlink(link, target, sizeof target - 1);
    if (n < 0)
        return false;
    target[n] = '\0';
    return strcmp(target, dir) == 0;
}

/*
 * True when pid's command line is "… -D dir …" (how pg_ctl starts the postmaster). World-
 * readable, so it works where /proc/<pid>/cwd is not; empty for zombies.
 */
static bool
proc_cmdline_has_datadir(long pid, const char *dir, const char *real)
{
    char path[64], buf[8192];
    bool prev_d = false, found = false;
    size_t len;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    f = fopen(path, "re");
    if (f == NULL)
        return false;
    len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = '\0';
    for (size_t i = 0; i < len && !found; i += strlen(buf + i) + 1) {
        const char *arg = buf + i;
        found = prev_d && (strcmp(arg, dir) == 0 || (real != NULL && strcmp(arg, real) == 0));
        prev_d = strcmp(arg, "-D") == 0;
    }
    return found;
}

/* True when pid exists in the kernel's table (alive or zombie, ours or not). */
static bool
pid_exists(long pid)
{
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* The pid of this data directory's live postmaster, or 0. */
static long
cl_postmaster_pid(const struct cl_paths *p)
{
    char pidfile[4096], *real;
    long pid;
    bool ours;

    snprintf(pidfile, sizeof pidfile, "%s/postmaster.pid", p->data);
    pid = lockfile_pid(pidfile);
    if (pid <= 0 || !pid_exists(pid))
        return 0;
    real = realpath(p->data, NULL);
    ours = (real != NULL && proc_cwd_is(pid, real)) ||
           proc_cmdline_has_datadir(pid, p->data, real);
    free(real);
    return ours ? pid : 0;
}

enum cluster_state
cl_state(const struct cl_paths *p, long *pid_out)
{
    char path[4096];

    *pid_out = 0;
    snprintf(path, sizeof path, "%s/PG_VERSION", p->data);
    if (access(path, F_OK) != 0)
        return CLUSTER_ABSENT;
    *pid_out = cl_postmaster_pid(p);
    return *pid_out > 0 ? CLUSTER_RUNNING : CLUSTER_STOPPED;
}

/* A process (other than a zombie) still working in dir, or 0. */
static long
orphan_find(const char *dir)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    long found = 0;

    if (d == NULL)
        return 0;
    while (found == 0 && (de = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end == '\0' && pid > 0 && proc_cwd_is(pid, dir))
            found = pid;
    }
    closedir(d);
    return found;
}

/* Removes lock file path when its pid is alive but is not one of our server's processes. */
static int
lockfile_clear_foreign(const char *path, struct err *e)
{
    long pid = lockfile_pid(path);

    if (pid <= 0 || !pid_exists(pid))
        return RC_OK; /* dead or empty: the postmaster cleans it up itself */
    if (unlink(path) != 0 && errno != ENOENT)
        return err_set(e, RC_IO, "no se pudo quitar el archivo de bloqueo viejo %s: %s", path,
                       strerror(errno));
    return RC_OK;
}

/*
 * Called with the cluster lock held when no live postmaster owns the data directory:
 * waits for orphaned backends of a killed postmaster, then clears foreign lock files.
 */
int
cl_stale_clear(const struct cl_paths *p, struct err *e)
{
    char *real = realpath(p->data, NULL);
    char path[4096];
    long orphan = 0;
    int rc;

    for (int waited = 0; real != NULL && waited <= ORPHAN_WAIT_MS; waited += 100) {
        orphan = orphan_find(real);
        if (orphan == 0)
            break;
        nanosleep(&(struct timespec){ .tv_nsec = 100L * 1000 * 1000 }, NULL);
    }
    free(real);
    if (orphan != 0)
        return err_set(e, RC_BUSY,
                       "quedan procesos del servidor anterior (pid %ld) usando %s; "
                       "espere a que terminen o termínelos y vuelva a intentar",
                       orphan, p->data);
    snprintf(path, sizeof path, "%s/postmaster.pid", p->data);
    rc = lockfile_clear_foreign(path, e);
    snprintf(path, sizeof path, "%s.lock", p->sock);
    if (rc == RC_OK)
        rc = lockfile_clear_foreign(path, e);
    return rc;
}

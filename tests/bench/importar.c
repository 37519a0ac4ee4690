/*
 * importar — benchmark of `embudo import clientes` and its --actualizar (the lender's renewed
 * padron): in a fresh database copied from $EMBUDO_TEST_TEMPLATE (tests/bench/run.sh sets it
 * up), N clients with CURP are loaded (the baseline: a plain import of new clients), then the
 * same file again with --actualizar (every client found, nothing to change), then a renewed
 * file where a tenth of the clients are a year older and a twentieth have a new phone. Each
 * run goes through db_import_clientes with the file in memory, as the command streams it.
 * Prints rows per second and each run's ratio to the baseline; asserts nothing about time
 * (DESIGN.md §7); exit 1 only when a run fails. BENCH_IMPORT_FILAS sets N (default 200000).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/csv.h"
#include "db/db.h"
#include "db/db_import.h"
#include "tests/db/dbt.h"
#include "util/err.h"
#include "util/strbuf.h"

/* CURP of client i: four letters (vowel second), YYMMDD, sex, five letters, a digit pair —
 * unique for i < 26^4 * 10^4. */
static void
curp(char out[32], long i)
{
    static const char v[] = "AEIOU";
    unsigned x = (unsigned)i;

    snprintf(out, 32, "%c%c%c%c%02u%02u%02uHDFXXX%02u", 'A' + x % 26, v[(x / 26) % 5],
             'A' + (x / 130) % 26, 'A' + (x / 3380) % 26, 40 + (x / 87880) % 60, 1 + x % 12,
             1 + x % 28, x % 100);
}

/* The padron file: n clients; with renovado, every 10th a year older and every 20th with a
 * new phone. */
static void
archivo_hacer(struct strbuf *sb, long n, bool renovado)
{
    char c[32];

    strbuf_reset(sb);
    strbuf_addstr(sb, "nombre,primer_apellido,curp,convenio,entidad,edad,telefono\n");
    for (long i = 0; i < n; i++) {
        int edad = 25 + (int)(i % 50) + (renovado && i % 10 == 0);
        long tel = 5500000000L + i + (renovado && i % 20 == 0 ? 3000000000L : 0);

        curp(c, i);
        strbuf_addf(sb, "Cliente%ld,Banco,%s,IMSS,%s,%d,%ld\n", i, c, i % 3 == 0 ? "JAL" : "CDMX",
                    edad, tel);
    }
}

struct corrida {
    double secs;
    struct db_import_stats st;
};

static int
importar(struct db *db, const struct strbuf *sb, bool actualizar, struct corrida *out)
{
    struct csv_mem a = { sb->buf, sb->len, 0 };
    struct db_import_opts o = { .actualizar = actualizar };
    struct err e = { 0 };
    double t0 = dbt_now();
    int rc = db_import_clientes(db, csv_mem_read, &a, &o, &out->st, &e);

    out->secs = dbt_now() - t0;
    if (rc != RC_OK)
        fprintf(stderr, "bench importar: %s\n", e.msg);
    return rc;
}

static void
imprimir(const char *que, long n, const struct corrida *c, double base)
{
    printf("%-44s %8.2f s  %9.0f filas/s  %5.2f× la carga  (cargadas %lu, actualizadas %lu, "
           "sin cambios %lu, rechazadas %lu)\n",
           que, c->secs, (double)n / c->secs, c->secs / base, c->st.cargadas, c->st.actualizadas,
           c->st.sin_cambios, c->st.rechazadas);
}

int
main(void)
{
    const char *env = getenv("BENCH_IMPORT_FILAS");
    long n = env != NULL ? strtol(env, NULL, 10) : 200000;
    struct err e = { 0 };
    struct dbt *t;
    struct db *db;
    struct strbuf sb;
    struct corrida carga = { 0 }, igual = { 0 }, renovada = { 0 };
    int rc;

    if (n < 1000 || n > 2000000)
        n = 200000;
    if ((t = dbt_new(NULL, &e)) == NULL || (db = dbt_connect_err(t, NULL, &e)) == NULL) {
        fprintf(stderr, "bench importar: %s\n", e.msg);
        dbt_free(t);
        return 1;
    }
    dbt_exec(db, "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('IMSS', 'IMSS',"
                 " 'FEDERAL')");
    strbuf_init(&sb);
    archivo_hacer(&sb, n, false);
    rc = importar(db, &sb, false, &carga);
    db_import_stats_fini(&carga.st);
    if (rc == RC_OK) {
        rc = importar(db, &sb, true, &igual);
        db_import_stats_fini(&igual.st);
    }
    if (rc == RC_OK) {
        archivo_hacer(&sb, n, true);
        rc = importar(db, &sb, true, &renovada);
        db_import_stats_fini(&renovada.st);
    }
    if (rc == RC_OK) {
        printf("importar: %ld clientes con CURP, %.1f MB de CSV\n", n, (double)sb.len / 1e6);
        imprimir("carga (clientes nuevos): la línea base", n, &carga, carga.secs);
        imprimir("--actualizar, el mismo archivo (sin cambios)", n, &igual, carga.secs);
        imprimir("--actualizar, renovado (10 % edad, 5 % tel.)", n, &renovada, carga.secs);
    }
    strbuf_fini(&sb);
    db_close(db);
    dbt_free(t);
    return rc == RC_OK ? 0 : 1;
}

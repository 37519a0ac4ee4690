/*
 * variaciones — the guardrails for AI-written variations of a campaign template (anchors
 * §5.2 W6): a candidate is kept only when it parses as a template, uses exactly the
 * original's variables, keeps every fixed fact (amounts, rates, numbers, product names in
 * capitals, quoted text) and is not a near-duplicate of the original or of a variant kept
 * before it. Also the request body for an OpenAI-compatible chat endpoint.
 *
 * Near-duplicate measure: both texts are folded (lower case, Spanish accents removed, every
 * run of non-alphanumerics one space), cut into character trigrams, and compared with the
 * Jaccard index |A∩B| / |A∪B| (distinct trigrams). At VARIACIONES_SIMILITUD_MAX or above the
 * two are "casi iguales". Paraphrases of a one-line message measure 0.3–0.7; a copy with a
 * word changed measures above 0.85.
 *
 * Pure C (no network, no clock); any thread. Results are owned by the caller as stated.
 */
#ifndef CORE_VARIACIONES_H
#define CORE_VARIACIONES_H

#include <stdbool.h>
#include <stddef.h>

struct err;

#define VARIACIONES_MAX 10              /* variants asked for / kept per template */
#define VARIACIONES_SIMILITUD_MAX 0.85  /* at or above: near-duplicate */
#define VARIACIONES_HECHOS_MAX 32       /* fixed facts tracked per template */

enum variacion_motivo {
    VARIACION_ACEPTADA,
    VARIACION_VACIA,          /* empty or only spaces */
    VARIACION_INVALIDA,       /* does not parse as a template (unknown variable, braces) */
    VARIACION_FALTA_VARIABLE, /* a variable of the original is missing */
    VARIACION_VARIABLE_NUEVA, /* uses a variable the original does not */
    VARIACION_FALTA_HECHO,    /* a fixed fact (amount, rate, name) is missing */
    VARIACION_CASI_IGUAL,     /* near-duplicate of the original or of a kept variant */
};

/* What was decided for one candidate; detalle is Spanish ("falta el dato «$50,000»"). */
struct variacion_veredicto {
    enum variacion_motivo motivo;
    double similitud; /* highest similarity found (0 when not measured) */
    char detalle[200];
};

/*
 * The fixed facts of text, in order of appearance, without repeats: numbers with their
 * signs ("$50,000", "1.5%", "36"), words of two or more capital letters ("IMSS",
 * "CREDIMAX") and text in quotes (“…”, "…", «…»). Writes up to max pointers into out
 * (each malloc'd; free them with variaciones_hechos_free) and returns how many.
 */
size_t variaciones_hechos(const char *text, char **out, size_t max);
void variaciones_hechos_free(char **hechos, size_t n);

/* Similarity in [0, 1] of a and b (the measure above). Two empty texts measure 1. */
double variaciones_similitud(const char *a, const char *b);

/*
 * Judges candidates cand[0..n) against original (a template that parses) in order, filling
 * v[0..n); a candidate judged against the ones kept before it. Returns how many were kept
 * (motivo ACEPTADA). RC-free: an original that does not parse rejects every candidate as
 * VARIACION_INVALIDA.
 */
size_t variaciones_filtrar(const char *original, const char *const *cand, size_t n,
                           struct variacion_veredicto *v);

/* "aceptada", "casi igual a otra"…: a short Spanish label for a motivo. */
const char *variaciones_motivo_nombre(enum variacion_motivo m);

/*
 * The JSON body of a chat-completions request asking model for n (1…VARIACIONES_MAX)
 * rewrites of original, answered as a JSON array of strings. Returns a malloc'd string.
 */
char *variaciones_pedido_fmt(const char *model, const char *original, int n);

#endif
